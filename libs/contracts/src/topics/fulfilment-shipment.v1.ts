import { z } from 'zod';
import { DAY_MS, defineTopic } from '../topic-definition';

/**
 * A shipment's life, one topic per step, keyed by order id (so one order's steps keep their
 * order). No personal data: the carrier got the delivery address; these events carry only
 * ids, the carrier's name and its tracking reference.
 */
const shipmentFields = {
  shipmentId: z.uuid(),
  orderId: z.uuid(),
  carrier: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
};

export const shipmentCreatedV1Schema = z.strictObject({
  ...shipmentFields,
  /** The carrier's own reference for the parcel, once it accepted the shipment. */
  carrierReference: z.string().min(1),
});
export const shipmentDispatchedV1Schema = z.strictObject(shipmentFields);
export const shipmentDeliveredV1Schema = z.strictObject(shipmentFields);
export const shipmentFailedV1Schema = z.strictObject({
  ...shipmentFields,
  /** Machine-readable: `carrier-refused`, `carrier-unreachable`, `delivery-failed`, ... */
  reasonCode: z.string().regex(/^[a-z][a-z-]*$/),
});

export type ShipmentCreatedV1 = z.infer<typeof shipmentCreatedV1Schema>;
export type ShipmentDispatchedV1 = z.infer<typeof shipmentDispatchedV1Schema>;
export type ShipmentDeliveredV1 = z.infer<typeof shipmentDeliveredV1Schema>;
export type ShipmentFailedV1 = z.infer<typeof shipmentFailedV1Schema>;

const shipmentTopic = {
  owner: 'fulfilment',
  partitions: 6,
  retentionMs: 7 * DAY_MS,
  cleanupPolicy: 'delete',
} as const;

export const shipmentCreatedV1 = defineTopic({
  ...shipmentTopic,
  name: 'fulfilment.shipment.created.v1',
  schema: shipmentCreatedV1Schema,
  description: 'The carrier accepted the shipment.',
});
export const shipmentDispatchedV1 = defineTopic({
  ...shipmentTopic,
  name: 'fulfilment.shipment.dispatched.v1',
  schema: shipmentDispatchedV1Schema,
  description: 'The carrier collected the parcel.',
});
export const shipmentDeliveredV1 = defineTopic({
  ...shipmentTopic,
  name: 'fulfilment.shipment.delivered.v1',
  schema: shipmentDeliveredV1Schema,
  description: 'The carrier delivered the parcel.',
});
export const shipmentFailedV1 = defineTopic({
  ...shipmentTopic,
  name: 'fulfilment.shipment.failed.v1',
  schema: shipmentFailedV1Schema,
  description: 'The shipment failed for good; the order is to be compensated.',
});
