/**
 * E-mail addresses and phone numbers in free text. Used to keep contact data away from third
 * parties (the carrier gets an address, never a way to call or mail the customer) and by the
 * leak sweep to find either where the data map says none may be.
 */
export type ContactDataKind = 'email' | 'phone';

export const EMAIL_PATTERN = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/gu;
/**
 * Nine or more digits in one run of digits and phone punctuation. Phone numbers have at least
 * nine digits almost everywhere once an area code is included; house numbers, flat numbers and
 * postcodes written into a line (the longest, Brazil's CEP, has eight) stay below it.
 */
const DIGIT_RUN = /\+?[\d(][\d\s().\-/]*\d/gu;
const MIN_PHONE_DIGITS = 9;

export function findEmails(text: string): string[] {
  return [...text.matchAll(EMAIL_PATTERN)].map((match) => match[0]);
}

/** Runs of digits long enough to dial; callers decide what else (timestamps, ids) to ignore. */
export function findPhoneLikeRuns(text: string): string[] {
  return [...text.matchAll(DIGIT_RUN)]
    .map((match) => match[0])
    .filter((run) => run.replace(/\D/gu, '').length >= MIN_PHONE_DIGITS);
}

/** The kind of contact data found in `text`, if any. */
export function findContactData(text: string): ContactDataKind | undefined {
  if (findEmails(text).length > 0) return 'email';
  if (findPhoneLikeRuns(text).length > 0) return 'phone';
  return undefined;
}

/** A US ZIP+4 code has nine digits in a row but is a postcode, not a number anyone can dial. */
const ZIP_PLUS_FOUR = /^\d{5}-\d{4}$/u;

/** `findContactData` for a postcode field, where a ZIP+4 code is expected, not contact data. */
export function findContactDataInPostcode(postcode: string): ContactDataKind | undefined {
  return ZIP_PLUS_FOUR.test(postcode.trim()) ? undefined : findContactData(postcode);
}
