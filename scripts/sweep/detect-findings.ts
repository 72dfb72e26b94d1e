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
 * A phone number as people write one: international (`+44 7700 900123`, `+1 (555) 010-0199`)
 * or UK national with its groups (`07700 900123`, `020 7946 0018`). Bare digit runs are left
 * to the card check: logs and metrics are full of timestamps and counters.
 */
const PHONE =
  /(?<![\w+])(?:\+\d{1,3}[ -]?(?:\(\d{1,4}\)[ -]?)?\d{2,6}(?:[ -]\d{2,6}){0,3}|0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4})(?![\w-])/g;
const PHONE_DIGITS = { min: 9, max: 15 };

/** A dotted-quad IPv4 address. Loopback, unspecified and link-local are the box's own, not a client's. */
const IPV4 = /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.]|\.\d)/g;

function isClientIpv4(octets: readonly number[]): boolean {
  if (octets.some((octet) => octet > 255)) return false; // a version number, not an address
  const [first = 0, second = 0] = octets;
  return first !== 127 && first !== 0 && !(first === 169 && second === 254);
}

function findPhones(text: string): string[] {
  return [...text.matchAll(PHONE)]
    .map(([phone]) => phone)
    .filter((phone) => {
      const digits = phone.replace(/\D/g, '').length;
      return digits >= PHONE_DIGITS.min && digits <= PHONE_DIGITS.max;
    });
}

function findIpAddresses(text: string): string[] {
  return [...text.matchAll(IPV4)]
    .filter((match) => isClientIpv4(match.slice(1, 5).map(Number)))
    .map(([address]) => address);
}

/**
 * Every category found in every text: the marker values the sweep planted (by field), and
 * wherever no marker explains them, any Luhn-valid card number, e-mail address, phone number or
 * client IP address (planted or not: data the sweep did not plant leaks just the same).
 */
export function detectFindings(
  texts: readonly SweptText[],
  markers: Readonly<Record<string, string>>,
): Finding[] {
  const findings: Finding[] = [];
  const markerValues = new Set(Object.values(markers).map((v) => v.toLowerCase()));
  const unplanted = (values: readonly string[]) =>
    new Set(values.filter((value) => !markerValues.has(value.toLowerCase())));
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
    for (const email of unplanted(findEmails(text))) {
      findings.push({ category: 'email', location, sample: mask(email) });
    }
    for (const phone of unplanted(findPhones(text))) {
      findings.push({ category: 'phone', location, sample: mask(phone) });
    }
    for (const address of unplanted(findIpAddresses(text))) {
      findings.push({ category: 'ip.address', location, sample: mask(address) });
    }
  }
  return findings;
}
