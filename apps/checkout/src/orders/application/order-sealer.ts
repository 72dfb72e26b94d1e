import type { SealedValue } from '#lumen/crypto';
import type { SealedOrderContact } from '../domain/order';
import type { DeliveryAddress } from './place-order.command';

export interface OrderPersonalData {
  readonly customer: { readonly name: string; readonly email: string; readonly phone: string };
  readonly deliveryAddress: DeliveryAddress;
  readonly cardToken: string;
}

export interface SealedOrderData {
  /** The copies checkout stores, bound to the order. */
  readonly stored: SealedOrderContact;
  /** The values the placed event carries, sealed for the services that need them. */
  readonly event: {
    readonly customer: {
      readonly name: SealedValue;
      readonly email: SealedValue;
      readonly phone: SealedValue;
    };
    readonly deliveryAddress: SealedValue;
    readonly cardToken: SealedValue;
  };
  /** The order's own card-token key: destroy it if the order is not committed. */
  readonly cardTokenKeyId: string;
}

/** Seals an order's personal fields under data keys from the key service. */
export abstract class OrderSealer {
  abstract seal(
    orderId: string,
    customerId: string,
    data: OrderPersonalData,
  ): Promise<SealedOrderData>;
  /** Destroys the card-token key of an order that was never committed. */
  abstract discardCardTokenKey(keyId: string): Promise<void>;
}
