/**
 * Why a shipment failed for good, as the `reasonCode` of `fulfilment.shipment.failed.v1`.
 * Payment compensates (refund or void) on every one of them.
 */
export const SHIPMENT_FAILURE_REASONS = [
  /** The carrier refused the shipment for good (a signed 422). */
  'carrier-refused',
  /** The carrier could not be reached (or gave no trustworthy answer) before the deadline. */
  'carrier-unreachable',
  /** The carrier rejected the request itself; retrying the same request cannot help. */
  'carrier-rejected-request',
  /** The delivery address can no longer be opened: its key was destroyed (erasure). */
  'address-unavailable',
  /** The delivery address does not fit what a carrier accepts (the allow-list refused it). */
  'address-not-shippable',
  /** The goods exceed what one courier parcel may weigh. */
  'parcel-over-limit',
  /** The customer was erased before the shipment was handed over: it is cancelled, not sent. */
  'subject-erased',
] as const;
export type ShipmentFailureReason = (typeof SHIPMENT_FAILURE_REASONS)[number];
