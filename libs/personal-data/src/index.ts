export { containsCardNumber, findCardNumbers, holdsCardNumber, isLuhnValid } from './card-numbers';
export {
  EMAIL_PATTERN,
  findContactData,
  findContactDataInPostcode,
  findEmails,
  findPhoneLikeRuns,
  type ContactDataKind,
} from './contact-data';
