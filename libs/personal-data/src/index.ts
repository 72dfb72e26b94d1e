export { containsCardNumber, findCardNumbers, holdsCardNumber, isLuhnValid } from './card-numbers';
export {
  EMAIL_PATTERN,
  findContactData,
  findEmails,
  findPhoneLikeRuns,
  type ContactDataKind,
} from './contact-data';
