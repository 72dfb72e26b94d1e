import { z } from 'zod';
import { carrierShipmentIdSchema } from './carrier-answer.schema';
import { shipmentReferenceSchema } from './carrier-shipment.schema';

/**
 * Where the merchant takes tracking callbacks, under its own base URL; the callback URL a
 * carrier is configured with ends in this path.
 */
export const CARRIER_TRACKING_CALLBACK_PATH = '/carrier/v1/tracking-events';

export const TRACKING_STATUSES = ['dispatched', 'delivered'] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/**
 * A tracking callback (carrier → merchant), signed by the carrier. `eventId` is the carrier's
 * id for this event: a carrier retrying a callback sends it again with the same event id and a
 * new message id, so the merchant deduplicates on `eventId` (at-least-once delivery), while the
 * verifier's replay cache refuses the same message twice (a replay).
 */
export const trackingEventV1Schema = z.strictObject({
  eventId: z
    .string()
    .regex(/^evt_[A-Za-z0-9_-]{16,64}$/, 'eventId: expected evt_ and 16-64 characters'),
  shipmentReference: shipmentReferenceSchema,
  carrierShipmentId: carrierShipmentIdSchema,
  status: z.enum(TRACKING_STATUSES),
  occurredAt: z.iso.datetime({ offset: true }),
});

export type TrackingEventV1 = z.infer<typeof trackingEventV1Schema>;

/** `GET /v1/shipments/{carrierShipmentId}`: the events so far, oldest first (signed answer). */
export const shipmentTrackingV1Schema = z.strictObject({
  status: z.literal('tracking'),
  shipmentReference: shipmentReferenceSchema,
  carrierShipmentId: carrierShipmentIdSchema,
  events: z.array(trackingEventV1Schema).max(100),
});

export type ShipmentTrackingV1 = z.infer<typeof shipmentTrackingV1Schema>;
