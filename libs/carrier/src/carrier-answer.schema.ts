import { z } from 'zod';
import { shipmentReferenceSchema } from './carrier-shipment.schema';

/** The path a carrier takes shipments on. */
export const CARRIER_SHIPMENTS_PATH = '/v1/shipments';

/** The carrier's own id for a shipment: opaque to Lumen, printable, bounded. */
export const carrierShipmentIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'carrierShipmentId: expected 1-64 letters, digits, _ or -');

const codeSchema = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/);
const reasonSchema = z.string().min(1).max(500);

/** 201 (created now) or 200 (the same idempotency key was handed over before). */
export const shipmentAcceptedV1Schema = z.strictObject({
  status: z.literal('accepted'),
  shipmentReference: shipmentReferenceSchema,
  carrierShipmentId: carrierShipmentIdSchema,
  acceptedAt: z.iso.datetime({ offset: true }),
});

/** 422: the carrier will never take this shipment (it says so for good, with a reason). */
export const shipmentRefusedV1Schema = z.strictObject({
  status: z.literal('refused'),
  shipmentReference: shipmentReferenceSchema,
  code: codeSchema,
  reason: reasonSchema,
});

/** Other 4xx: the request itself was wrong (signature, payload, a reused idempotency key). */
export const carrierErrorAnswerV1Schema = z.strictObject({
  status: z.literal('error'),
  code: codeSchema,
  message: reasonSchema,
});

export const carrierAnswerV1Schema = z.discriminatedUnion('status', [
  shipmentAcceptedV1Schema,
  shipmentRefusedV1Schema,
  carrierErrorAnswerV1Schema,
]);

export type ShipmentAcceptedV1 = z.infer<typeof shipmentAcceptedV1Schema>;
export type ShipmentRefusedV1 = z.infer<typeof shipmentRefusedV1Schema>;
export type CarrierErrorAnswerV1 = z.infer<typeof carrierErrorAnswerV1Schema>;
export type CarrierAnswerV1 = z.infer<typeof carrierAnswerV1Schema>;
