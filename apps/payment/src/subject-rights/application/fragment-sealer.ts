import type { SealedValue } from '#lumen/crypto';

/** Seals payment's answer for the privacy service. */
export abstract class FragmentSealer {
  abstract seal(requestId: string, document: string): Promise<SealedValue>;
}
