import type { EntityManager } from 'typeorm';

export interface PlacedOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly itemCount: number;
  readonly placedAt: Date;
  /** The delivery address exactly as it arrived: sealed; fulfilment never stores it opened. */
  readonly sealedAddress: string;
  readonly addressKeyId: string;
}

export interface SealedAddress {
  readonly customerId: string;
  readonly sealedAddress: string;
}

export interface IntakeState {
  readonly itemCount: number | null;
  readonly placed: boolean;
  readonly paymentConfirmed: boolean;
  readonly paymentFailed: boolean;
}

/**
 * What fulfilment heard about orders before they ship, and their sealed delivery addresses.
 * Writes take the caller's transaction (the inbox transaction of the event).
 */
export abstract class OrderIntakeRepository {
  abstract recordPlaced(tx: EntityManager, order: PlacedOrder): Promise<void>;
  abstract recordPaymentConfirmed(tx: EntityManager, orderId: string, at: Date): Promise<void>;
  abstract recordPaymentFailed(tx: EntityManager, orderId: string, at: Date): Promise<void>;
  /** Locks the order's intake row until the transaction ends, so one shipment starts. */
  abstract lock(tx: EntityManager, orderId: string): Promise<IntakeState | undefined>;
  abstract sealedAddressOf(orderId: string): Promise<SealedAddress | undefined>;
  /** Deletes the sealed address: it is not needed once the shipment left `pending`. */
  abstract forgetAddress(tx: EntityManager, orderId: string): Promise<void>;
  /** Deletes the sealed addresses of orders still unpaid that arrived before `before`. */
  abstract forgetUnpaidAddresses(before: Date): Promise<number>;
  /** Deletes every sealed address under a destroyed key; returns how many. */
  abstract forgetAddressesUnderKey(tx: EntityManager, keyId: string): Promise<number>;
}
