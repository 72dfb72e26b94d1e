import type { TrackingEventV1 } from '#lumen/carrier';

/**
 * Delivers one tracking event to the merchant's callback URL, signed, retrying as a carrier
 * would; resolves once it is acknowledged or given up (never rejects), and stops early when
 * `signal` aborts.
 */
export abstract class TrackingCallbackSender {
  abstract deliver(event: TrackingEventV1, signal: AbortSignal): Promise<void>;
}
