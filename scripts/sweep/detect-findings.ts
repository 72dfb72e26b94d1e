import { findCardNumbers, findEmails } from '#lumen/personal-data';

/** A piece of text the sweep read, and where it came from (`<source>:<name>`). */
export interface SweptText {
  readonly location: string;
  readonly text: string;
}

export interface Finding {
  readonly category: string;
  readonly location: string;
  /** Shown masked in reports: the sweep itself must not become a leak. */
  readonly sample: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** A run of characters that identifiers are made of: base64, hex digests, key ids, sealed values. */
const CODE_CHARACTERS = /[A-Za-z0-9+/_=:.-]+/g;
const HAS_LETTER = /[A-Za-z]/;
const HAS_DIGIT = /\d/;

/**
 * Identifiers are not card numbers, even when their digit groups happen to pass Luhn (a UUID's
 * all-digit groups joined by dashes, a digest's digits): they are blanked before the search.
 * A card number written as a person would write it stands apart from letters. Runs are found
 * first and judged after: one pattern for "a run holding a letter and a digit" backtracks
 * cubically, and the fuzz tier leaves half-megabyte hostile strings on the topics.
 */
function withoutIdentifiers(text: string): string {
  return text
    .replace(UUID, ' ')
    .replace(CODE_CHARACTERS, (run) => (HAS_LETTER.test(run) && HAS_DIGIT.test(run) ? ' ' : run));
}

function mask(value: string): string {
  return value.length <= 4
    ? '****'
    : `${value.slice(0, 2)}…${value.slice(-2)} (${value.length} chars)`;
}

/**
 * Every category found in every text: the marker values the sweep planted (by field), any
 * Luhn-valid card number, and any e-mail address that is not a planted marker.
 */
export function detectFindings(
  texts: readonly SweptText[],
  markers: Readonly<Record<string, string>>,
): Finding[] {
  const findings: Finding[] = [];
  const markerValues = new Set(Object.values(markers).map((v) => v.toLowerCase()));
  for (const { location, text } of texts) {
    const lower = text.toLowerCase();
    for (const [category, marker] of Object.entries(markers)) {
      if (lower.includes(marker.toLowerCase())) {
        findings.push({ category, location, sample: mask(marker) });
      }
    }
    // Only numbers a card network could issue (first digit 2-6): millisecond timestamps in
    // logs are 13 digits and one in ten passes Luhn, but they start with 1.
    for (const card of new Set(
      findCardNumbers(withoutIdentifiers(text)).filter((digits) => /^[2-6]/.test(digits)),
    )) {
      findings.push({ category: 'card.number', location, sample: mask(card) });
    }
    for (const email of new Set(findEmails(text))) {
      if (!markerValues.has(email.toLowerCase())) {
        findings.push({ category: 'email', location, sample: mask(email) });
      }
    }
  }
  return findings;
}
