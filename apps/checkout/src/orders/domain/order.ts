import type { SealedValue } from '#lumen/crypto';
import type { OrderStatus } from './order-status';

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
}

/** What checkout keeps of the person behind an order: sealed values only, never plaintext. */
export interface SealedOrderContact {
  readonly customerName: SealedValue;
  readonly customerEmail: SealedValue;
  readonly customerPhone: SealedValue;
  readonly deliveryAddress: SealedValue;
}

/** A new order as it is written, in one transaction with its event. */
export interface NewOrder {
  readonly orderId: string;
  readonly storefrontId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly totalMinor: number;
  readonly policyVersion: string;
  readonly paymentGateway: string;
  readonly lines: readonly OrderLine[];
  readonly contact: SealedOrderContact;
  readonly placedAt: Date;
}

export interface StatusChange {
  readonly status: OrderStatus;
  readonly at: Date;
  /** Why, as a code (`declined`, `delivery-failed`); absent for ordinary progress. */
  readonly reason?: string | undefined;
}

/** The order-status read model: what a storefront may see. No personal data. */
export interface OrderStatusView {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly currency: string;
  readonly totalMinor: number;
  readonly items: readonly OrderLine[];
  readonly policyVersion: string;
  readonly placedAt: Date;
  readonly updatedAt: Date;
  readonly history: readonly StatusChange[];
}
