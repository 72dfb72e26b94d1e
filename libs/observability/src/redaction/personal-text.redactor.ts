export const REDACTED = '[redacted]';

// The lookbehind lets a match start only where a token starts, so a long run of word characters
// without an '@' is scanned once rather than once per character.
const EMAIL_ADDRESS = /(?<![\w.%+-])[\w.%+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,}/gi;

// 13 to 19 digits, each optionally preceded by one space or dash ("4111 1111-1111 1111"), not
// touching further digits. Only runs that pass the Luhn check are card numbers: order numbers and
// timestamps of that length mostly do not.
const DIGIT_RUN = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;

/** Replaces each e-mail address and each card number inside `text` with "[redacted]". */
export function redactPersonalText(text: string): string {
  return text
    .replace(EMAIL_ADDRESS, REDACTED)
    .replace(DIGIT_RUN, (run) => (isLuhnValid(run.replace(/\D/g, '')) ? REDACTED : run));
}

function isLuhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
