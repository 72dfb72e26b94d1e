import { z } from 'zod';
import { sealedValueSchema } from '../sealed-value';
import { DAY_MS, defineTopic } from '../topic-definition';

const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code');

/**
 * An order was accepted. It carries everything downstream services need, so none of them
 * calls back to checkout: ids and amounts in clear, every personal field sealed for the one
 * service that needs it (seal context: `{ field, subject: 'order:<orderId>' }` for the card
 * token and `{ field, subject: 'customer:<customerId>' }` for the rest).
 *
 * - `payment.cardToken`: sealed under the order's `card-token` key; only payment may open it.
 * - `delivery.address`: the delivery address as JSON, sealed under the customer's
 *   `delivery-address` key; fulfilment opens it to hand the carrier the address and nothing else.
 * - `customer.*`: contact details sealed under the customer's `customer-contact` key (checkout,
 *   privacy); present so the privacy service can answer access requests from the log.
 */
export const orderPlacedV1Schema = z.strictObject({
  orderId: z.uuid(),
  storefrontId: z.string().min(1),
  customerId: z.uuid(),
  placedAt: z.iso.datetime({ offset: true }),
  policyVersion: z.string().min(1),
  currency: currencySchema,
  totalMinor: z.number().int().positive(),
  items: z
    .array(
      z.strictObject({
        sku: z.string().min(1),
        quantity: z.number().int().positive(),
        unitPriceMinor: z.number().int().nonnegative(),
      }),
    )
    .min(1),
  payment: z.strictObject({
    gateway: z.string().min(1),
    cardToken: sealedValueSchema,
  }),
  delivery: z.strictObject({ address: sealedValueSchema }),
  customer: z.strictObject({
    name: sealedValueSchema,
    email: sealedValueSchema,
    phone: sealedValueSchema,
  }),
});
export type OrderPlacedV1 = z.infer<typeof orderPlacedV1Schema>;

export const orderPlacedV1 = defineTopic({
  name: 'checkout.order.placed.v1',
  owner: 'checkout',
  partitions: 6,
  // Sealed fields become unreadable when their keys are destroyed; the log itself is kept
  // for a week so a rebuilt consumer can replay recent orders.
  retentionMs: 7 * DAY_MS,
  cleanupPolicy: 'delete',
  schema: orderPlacedV1Schema,
  description: 'An order was accepted by checkout.',
});
