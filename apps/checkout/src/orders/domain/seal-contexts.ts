import type { SealContext } from '#lumen/crypto';

/**
 * Where each sealed value belongs; the context is bound to the ciphertext, so a value moved to
 * another field, customer or order does not open.
 *
 * In `checkout.order.placed.v1` the contexts are the contract's (libs/contracts): the card token
 * is bound to its order, the rest to the customer. The copies checkout stores are bound to the
 * order too, so a row's sealed contact cannot be pasted onto another order of the same customer.
 */
export const eventSealContexts = {
  cardToken: (orderId: string): SealContext => ({
    field: 'payment.cardToken',
    subject: `order:${orderId}`,
  }),
  deliveryAddress: (customerId: string): SealContext => ({
    field: 'delivery.address',
    subject: `customer:${customerId}`,
  }),
  customer: (field: 'name' | 'email' | 'phone', customerId: string): SealContext => ({
    field: `customer.${field}`,
    subject: `customer:${customerId}`,
  }),
};

export type StoredContactField =
  'customer_name' | 'customer_email' | 'customer_phone' | 'delivery_address';

export function storedSealContext(
  column: StoredContactField,
  customerId: string,
  orderId: string,
): SealContext {
  return { field: `orders.${column}`, subject: `customer:${customerId}`, order: orderId };
}
