/** An order as a storefront submits it, already checked against the request schema. */
export interface OrderRequest {
  readonly customer: { readonly name: string; readonly email: string; readonly phone: string };
  readonly deliveryAddress: DeliveryAddress;
  readonly items: readonly {
    readonly sku: string;
    readonly quantity: number;
    readonly unitPriceMinor: number;
    readonly currency: string;
  }[];
  readonly payment: { readonly gateway: string; readonly cardToken: string };
  readonly privacyPolicyVersion: string;
}

export interface DeliveryAddress {
  readonly recipientName: string;
  readonly lines: readonly string[];
  readonly city: string;
  readonly region?: string | undefined;
  readonly postcode?: string | undefined;
  readonly country: string;
}

export interface PlaceOrderCommand {
  readonly storefrontId: string;
  /** The `Idempotency-Key` header, if sent. */
  readonly idempotencyKey?: string | undefined;
  readonly request: OrderRequest;
}

/** The answer to an accepted order; replayed as is for a repeated idempotency key. */
export interface PlacedOrderAnswer {
  readonly orderId: string;
  readonly status: 'placed';
  readonly statusUrl: string;
}

export interface PlaceOrderResult {
  readonly answer: PlacedOrderAnswer;
  /** True when this is the stored answer to an earlier request with the same key and body. */
  readonly replayed: boolean;
}
