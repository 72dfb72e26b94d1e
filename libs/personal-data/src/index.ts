export { containsCardNumber, findCardNumbers, holdsCardNumber, isLuhnValid } from './card-numbers';
export {
  findContactData,
  findContactDataInPostcode,
  findEmails,
  findPhoneLikeRuns,
  type ContactDataKind,
} from './contact-data';
