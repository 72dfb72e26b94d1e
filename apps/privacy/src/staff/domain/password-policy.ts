import { BREACHED_PASSWORDS_TEXT, COMMON_PASSWORD_BASES_TEXT } from './password-lists';

export const MIN_PASSWORD_LENGTH = 12;
/** scrypt works on bytes; a very long password only costs CPU and protects nothing more. */
export const MAX_PASSWORD_LENGTH = 256;

export type PasswordRefusal = 'too-short' | 'too-long' | 'breached' | 'common-word' | 'repetitive';

function listOf(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

/**
 * The password rules for staff accounts: a minimum length, no password from the breached
 * list, no common word dressed up with digits and symbols, no single repeated character.
 * Extra breached passwords (a full corpus) can be added at boot.
 */
export class PasswordPolicy {
  private readonly breached: Set<string>;
  private readonly bases: Set<string>;

  constructor(extraBreached: Iterable<string> = []) {
    this.breached = listOf(BREACHED_PASSWORDS_TEXT);
    for (const entry of extraBreached) this.breached.add(entry.trim().toLowerCase());
    this.bases = listOf(COMMON_PASSWORD_BASES_TEXT);
  }

  get breachedCount(): number {
    return this.breached.size;
  }

  check(password: string): PasswordRefusal | null {
    // Code points, not UTF-16 units: a password of accented letters is as long as it looks.
    const length = Array.from(password).length;
    if (length < MIN_PASSWORD_LENGTH) return 'too-short';
    if (length > MAX_PASSWORD_LENGTH) return 'too-long';
    const lower = password.toLowerCase();
    if (this.breached.has(lower)) return 'breached';
    const core = lower.replace(/^[^a-z]+/, '').replace(/[^a-z]+$/, '');
    if (this.bases.has(core) || this.bases.has(core.replace(/0/g, 'o').replace(/@/g, 'a'))) {
      return 'common-word';
    }
    if (new Set(Array.from(lower)).size <= 2) return 'repetitive';
    return null;
  }

  static describe(refusal: PasswordRefusal): string {
    switch (refusal) {
      case 'too-short':
        return `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters; a short phrase works well`;
      case 'too-long':
        return `Choose a password of at most ${MAX_PASSWORD_LENGTH} characters`;
      case 'breached':
        return 'This password appears in breached-password lists; choose another';
      case 'common-word':
        return 'This password is a common word with digits or symbols around it; choose another';
      case 'repetitive':
        return 'This password repeats one or two characters; choose another';
    }
  }
}
