import type { DestroyedKey } from './subject-request';

/** What one service did to one store, as `<service>.erasure.completed.v1` reports it. */
export interface StoreOutcome {
  readonly store: string;
  readonly action: 'deleted' | 'masked' | 'kept-by-law' | 'none-held';
  readonly count: number;
}

export interface ErasureReceiptStore extends StoreOutcome {
  readonly service: string;
}

/**
 * What an erasure did, signed by the privacy service (Ed25519): the keys destroyed (which made
 * every copy sealed under them unreadable, Kafka's log and backups included) and every store
 * each service processed. Verify `signedBytesOfReceipt(document)` against the key served at
 * `GET /privacy/receipt-signing-key`.
 */
export interface ErasureReceipt {
  readonly receiptVersion: 1;
  readonly requestId: string;
  readonly customerId: string;
  readonly receivedAt: string;
  readonly identityVerifiedAt: string;
  readonly keysDestroyed: readonly DestroyedKey[];
  readonly stores: readonly ErasureReceiptStore[];
  readonly completedAt: string;
  readonly signedBy: { readonly service: 'privacy'; readonly keyId: string };
}

/** A label first, so a receipt signature can never be mistaken for an event's. */
export function signedBytesOfReceipt(document: string): Buffer {
  return Buffer.from(`lumen:erasure-receipt:v1\n${document}`, 'utf8');
}
