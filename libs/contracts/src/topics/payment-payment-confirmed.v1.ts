import { z } from 'zod';
import { DAY_MS, defineTopic } from '../topic-definition';

/**
 * The gateway captured the order's payment. Ids, amount and the gateway's reference only:
 * no card data, no personal data.
 */
export const paymentConfirmedV1Schema = z.strictObject({
  orderId: z.uuid(),
  gatewayReference: z.string().min(1).max(200),
  amountMinor: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
  confirmedAt: z.iso.datetime({ offset: true }),
});
export type PaymentConfirmedV1 = z.infer<typeof paymentConfirmedV1Schema>;

export const paymentConfirmedV1 = defineTopic({
  name: 'payment.payment.confirmed.v1',
  owner: 'payment',
  partitions: 6,
  retentionMs: 7 * DAY_MS,
  cleanupPolicy: 'delete',
  schema: paymentConfirmedV1Schema,
  description: "The order's payment was captured.",
});
