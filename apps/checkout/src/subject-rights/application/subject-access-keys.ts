import type { SealContext, SealedValue } from '#lumen/crypto';

/** The outcome of opening a value: its plaintext, or why it can no longer be read. */
export type Opened =
  | { readonly readable: true; readonly value: string }
  | { readonly readable: false; readonly why: 'key-destroyed' | 'not-for-checkout' };

/** Keys for the customer's rights: opening what checkout holds, sealing its answer. */
export abstract class SubjectAccessKeys {
  /** Opens a sealed value; a destroyed key or a key checkout may not use is an answer, not an error. */
  abstract open(sealed: string, context: SealContext): Promise<Opened>;
  /** Seals the fragment document for the privacy service alone (and checkout, its author). */
  abstract sealFragment(requestId: string, document: string): Promise<SealedValue>;
  /** Drops any cached copy of the destroyed keys; returns how many ids it dropped. */
  abstract forget(keyIds: readonly string[]): number;
}
