import { z } from 'zod';
import { DAY_MS, defineTopic } from '../topic-definition';

/**
 * The order's payment was given back after its shipment failed for good: a captured payment
 * is refunded, an authorisation never captured is voided. Ids, amount, the gateway's
 * reference and the shipment's reason code only: no card data, no personal data.
 */
export const PAYMENT_REFUND_KINDS = ['refund', 'void'] as const;
export type PaymentRefundKind = (typeof PAYMENT_REFUND_KINDS)[number];

export const paymentRefundedV1Schema = z.strictObject({
  orderId: z.uuid(),
  amountMinor: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
  /** The gateway's reference of what was given back: the capture refunded, the authorisation voided. */
  gatewayReference: z.string().min(1).max(200),
  kind: z.enum(PAYMENT_REFUND_KINDS),
  /** The failed shipment's reason code (`fulfilment.shipment.failed.v1`), passed through. */
  reasonCode: z.string().regex(/^[a-z][a-z-]*$/),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type PaymentRefundedV1 = z.infer<typeof paymentRefundedV1Schema>;

export const paymentRefundedV1 = defineTopic({
  name: 'payment.payment.refunded.v1',
  owner: 'payment',
  partitions: 6,
  retentionMs: 7 * DAY_MS,
  cleanupPolicy: 'delete',
  schema: paymentRefundedV1Schema,
  description: "The order's payment was refunded (or voided) because its shipment failed.",
});
