import type { CarrierShipmentV1, TrackingEventV1 } from '#lumen/carrier';

/** What came of handing a shipment to the carrier; expected outcomes are values. */
export type HandoverOutcome =
  | {
      readonly kind: 'accepted';
      readonly carrierShipmentId: string;
      readonly acceptedAt: Date;
      /** False when the carrier had this shipment already (an earlier attempt got through). */
      readonly created: boolean;
    }
  /** For good: the carrier will not take the shipment. */
  | { readonly kind: 'refused'; readonly carrierCode: string }
  /** Nothing trustworthy came back (no answer, 5xx, an unverified answer): try again later. */
  | { readonly kind: 'unavailable'; readonly detail: string }
  /** The carrier says the request itself is wrong: sending it again cannot help. */
  | { readonly kind: 'rejected'; readonly detail: string };

/** What the carrier says happened to a parcel so far, oldest first. */
export type TrackingLookup =
  | { readonly kind: 'tracked'; readonly events: readonly TrackingEventV1[] }
  | { readonly kind: 'unavailable'; readonly detail: string };

/**
 * The carrier integration. Sending the same payload again is always safe: its idempotency key
 * derives from the shipment reference, so the carrier creates the shipment once.
 */
export abstract class CarrierGateway {
  abstract handOver(payload: CarrierShipmentV1): Promise<HandoverOutcome>;
  /** The carrier's own record of a parcel's journey: how lost callbacks are recovered. */
  abstract trackingOf(carrierShipmentId: string): Promise<TrackingLookup>;
}
