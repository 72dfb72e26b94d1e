/**
 * Where card tokens are opened and their keys destroyed: the key service. A port, so the
 * use cases say what they need and the adapter says how.
 */
export type CardTokenReadFailure = 'destroyed' | 'forbidden' | 'unreadable';

export class CardTokenUnreadable extends Error {
  constructor(
    readonly why: CardTokenReadFailure,
    message: string,
  ) {
    super(message);
    this.name = 'CardTokenUnreadable';
  }
}

export abstract class CardTokenVault {
  /** The id of the data key a sealed token is sealed under. */
  abstract keyIdOf(sealedToken: string): string;
  /** Opens the order's token; `CardTokenUnreadable` if it can never be opened. */
  abstract open(sealedToken: string, orderId: string): Promise<string>;
  /** Destroys the key for good; idempotent. Returns when the key service confirmed it. */
  abstract destroy(keyId: string, reason: string): Promise<{ destroyedAt: Date }>;
}
