import type { SealedValue } from '#lumen/crypto';

/** Seals fulfilment's answer for the privacy service, and forgets destroyed keys. */
export abstract class FragmentSealer {
  abstract seal(requestId: string, document: string): Promise<SealedValue>;
  /** Drops any cached copy of the destroyed keys; returns how many ids it dropped. */
  abstract forget(keyIds: readonly string[]): number;
}
