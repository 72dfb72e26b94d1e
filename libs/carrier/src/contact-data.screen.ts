/**
 * A last line of defence for the policy "no personal data but the delivery address": free text
 * bound for a carrier (a name, an address line) is refused when it carries an e-mail address or
 * something dialable. Customers do type "tel 07700 900123" into the second address line; that
 * number is not part of the address and must not reach a third party. The screen refuses
 * instead of stripping, so the address is never silently changed.
 */
export type ContactDataKind = 'email' | 'phone';

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/u;
/**
 * Nine or more digits in one run of digits and phone punctuation. Phone numbers have at least
 * nine digits almost everywhere once an area code is included; house numbers, flat numbers and
 * postcodes written into a line (the longest, Brazil's CEP, has eight) stay below it.
 */
const DIGIT_RUN = /\+?[\d(][\d\s().\-/]*\d/gu;
const MIN_PHONE_DIGITS = 9;

/** The kind of contact data found in `text`, if any. */
export function findContactData(text: string): ContactDataKind | undefined {
  if (EMAIL.test(text)) return 'email';
  for (const run of text.matchAll(DIGIT_RUN)) {
    if (run[0].replace(/\D/gu, '').length >= MIN_PHONE_DIGITS) return 'phone';
  }
  return undefined;
}
