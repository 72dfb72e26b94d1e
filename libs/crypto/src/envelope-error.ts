/**
 * Why a sealed value or a wrapped key could not be used. Messages name the key id at most,
 * never key material or plaintext, so the error can be logged as it is.
 */
export type EnvelopeErrorCode =
  /** Not a value this library produced, or a version it does not know. */
  | 'malformed'
  /** The value names a different key than the one given. */
  | 'wrong-key'
  /** Authentication failed: tampered, moved to another context, or the wrong key bytes. */
  | 'unauthentic'
  /** The context is unusable (empty names, or a keyId that contradicts the key). */
  | 'bad-context';

export class EnvelopeError extends Error {
  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EnvelopeError';
  }
}
