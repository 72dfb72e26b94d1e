/**
 * E-mail addresses and phone numbers in free text. Used to keep contact data away from third
 * parties (the carrier gets an address, never a way to call or mail the customer) and by the
 * leak sweep to find either where the data map says none may be.
 */
export type ContactDataKind = 'email' | 'phone';

/**
 * The characters that end an e-mail address in free text. Matching is done by hand rather than
 * with one regular expression: `[^…]+@[^…]+\.[A-Za-z]{2,}` backtracks quadratically on a long
 * run without an `@` or a dot (64 KB of letters took 13 s), and every field checkout screens is
 * attacker-controlled. Everything here is linear in the length of the text.
 */
const WORD = /[^\s"'<>(),;:]+/gu;
const ASCII_LETTER = /[A-Za-z]/;

/** Where the domain part of an address ends: after the last `.` followed by 2+ letters. */
function domainEnd(domain: string): number | undefined {
  for (let dot = domain.lastIndexOf('.'); dot >= 1; dot = domain.lastIndexOf('.', dot - 1)) {
    if (ASCII_LETTER.test(domain.charAt(dot + 1)) && ASCII_LETTER.test(domain.charAt(dot + 2))) {
      let end = dot + 3;
      while (end < domain.length && ASCII_LETTER.test(domain.charAt(end))) end++;
      return end;
    }
  }
  return undefined;
}

export function findEmails(text: string): string[] {
  if (!text.includes('@')) return [];
  const found: string[] = [];
  for (const [word] of text.matchAll(WORD)) {
    const parts = word.split('@');
    let local = parts[0] ?? '';
    for (let i = 1; i < parts.length; i++) {
      const domain = parts[i] ?? '';
      const end = local === '' ? undefined : domainEnd(domain);
      if (end === undefined) {
        local = domain;
      } else {
        found.push(`${local}@${domain.slice(0, end)}`);
        local = domain.slice(end);
      }
    }
  }
  return found;
}

/**
 * Nine or more digits in one run of digits and phone punctuation. Phone numbers have at least
 * nine digits almost everywhere once an area code is included; house numbers, flat numbers and
 * postcodes written into a line (the longest, Brazil's CEP, has eight) stay below it. A run is
 * taken greedily and cut back to its last digit (ending the pattern in `\d` would backtrack
 * quadratically over a long run of brackets or spaces).
 */
const DIGIT_RUN = /\+?[\d(][\d\s().\-/]*/gu;
const MIN_PHONE_DIGITS = 9;

/** Runs of digits long enough to dial; callers decide what else (timestamps, ids) to ignore. */
export function findPhoneLikeRuns(text: string): string[] {
  const runs: string[] = [];
  for (const [run] of text.matchAll(DIGIT_RUN)) {
    const first = run.startsWith('+') ? 1 : 0;
    let last = run.length - 1;
    while (last > first && !/\d/u.test(run.charAt(last))) last--;
    if (last <= first) continue; // a lone digit or bracket: not a run
    const digits = run.slice(0, last + 1);
    if (digits.replace(/\D/gu, '').length >= MIN_PHONE_DIGITS) runs.push(digits);
  }
  return runs;
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
