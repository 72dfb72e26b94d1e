/**
 * Finds card numbers (PANs) anywhere in a request, so checkout can refuse them before they are
 * logged, stored or traced. A card number is a run of 13 to 19 digits, in groups separated by
 * single spaces or dashes ("4111 1111-1111 1111"), that passes the Luhn check. A longer run is
 * checked group-span by group-span, so a card number followed by its expiry ("4111 1111 1111
 * 1111 2029") is still caught; an unbroken run of more than 19 digits is a reference number,
 * not a card.
 */
const GROUPED_DIGITS = /\d+(?:[ -]\d+)*/g;

export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && isLuhnValid(digits);
}

/** True if `text` holds a Luhn-valid run of 13-19 digits (spaces and dashes allowed). */
export function containsCardNumber(text: string): boolean {
  for (const [run] of text.matchAll(GROUPED_DIGITS)) {
    const groups = run.split(/[ -]/);
    for (let first = 0; first < groups.length; first++) {
      let digits = '';
      for (let last = first; last < groups.length && digits.length < 19; last++) {
        digits += groups[last] ?? '';
        if (isCardNumber(digits)) return true;
      }
    }
  }
  return false;
}

/**
 * True if any string, number or property name anywhere in `value` holds a card number. A number
 * beyond 2^53 has lost digits in parsing, so callers also scan the raw body text (which is what
 * the API does); this walk catches what the raw text hides, such as `\u0034`-escaped digits.
 */
export function holdsCardNumber(value: unknown, depth = 0): boolean {
  if (depth > 64) return false; // bodies are size-limited; this only stops pathological nesting
  if (typeof value === 'string') return containsCardNumber(value);
  if (typeof value === 'number')
    return Number.isSafeInteger(value) && containsCardNumber(String(value));
  if (Array.isArray(value)) return value.some((item) => holdsCardNumber(item, depth + 1));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(
      ([key, child]) => containsCardNumber(key) || holdsCardNumber(child, depth + 1),
    );
  }
  return false;
}
