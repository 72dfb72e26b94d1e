import type { DeliveryAddress } from '#lumen/carrier';

export type OpenedAddress =
  | { readonly ok: true; readonly address: DeliveryAddress }
  /** `gone`: the key was destroyed (erasure); `unreadable`: the value does not open or parse. */
  | { readonly ok: false; readonly reason: 'gone' | 'unreadable' }
  /** The key service could not answer now; try again later. */
  | { readonly ok: false; readonly reason: 'unavailable'; readonly detail: string };

/**
 * Opens the delivery address of an order, the one personal value fulfilment may read. The
 * opened address lives only in memory, long enough to build the carrier payload.
 */
export abstract class DeliveryAddressOpener {
  abstract open(input: {
    readonly customerId: string;
    readonly sealedAddress: string;
  }): Promise<OpenedAddress>;
}
