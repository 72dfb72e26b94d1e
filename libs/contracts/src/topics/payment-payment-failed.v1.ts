import { z } from 'zod';
import { DAY_MS, defineTopic } from '../topic-definition';

/**
 * Why a payment finally failed, as a code a storefront can turn into a message:
 * - `declined`: the issuer refused the card;
 * - `insufficient-funds`: declined for lack of funds;
 * - `gateway-unavailable`: no usable answer (timeouts, 5xx, unreachable) after every retry;
 * - `gateway-unverified`: answers did not verify (signature, certificate, revocation);
 * - `gateway-rejected`: the gateway refused the request itself (4xx);
 * - `card-token-unreadable`: the card token could not be opened (its key is gone).
 */
export const PAYMENT_FAILURE_REASONS = [
  'declined',
  'insufficient-funds',
  'gateway-unavailable',
  'gateway-unverified',
  'gateway-rejected',
  'card-token-unreadable',
] as const;
export type PaymentFailureReason = (typeof PAYMENT_FAILURE_REASONS)[number];

export const paymentFailedV1Schema = z.strictObject({
  orderId: z.uuid(),
  reasonCode: z.enum(PAYMENT_FAILURE_REASONS),
  amountMinor: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
  failedAt: z.iso.datetime({ offset: true }),
});
export type PaymentFailedV1 = z.infer<typeof paymentFailedV1Schema>;

export const paymentFailedV1 = defineTopic({
  name: 'payment.payment.failed.v1',
  owner: 'payment',
  partitions: 6,
  retentionMs: 7 * DAY_MS,
  cleanupPolicy: 'delete',
  schema: paymentFailedV1Schema,
  description: "The order's payment finally failed, with a reason code.",
});
