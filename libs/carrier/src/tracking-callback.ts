import type {
  CarrierIncomingHeaders,
  CarrierMessageVerifier,
  CarrierRefusalReason,
} from './carrier-message.verifier';
import { trackingEventV1Schema, type TrackingEventV1 } from './tracking-event.schema';

export interface IncomingTrackingCallback {
  /** The request path with its query, exactly as received (`request.url` in Fastify). */
  readonly path: string;
  /** The raw body bytes: the signature covers these, not a re-serialisation. */
  readonly body: Buffer | string;
  readonly headers: CarrierIncomingHeaders;
}

export type TrackingCallbackCheck =
  | { readonly ok: true; readonly event: TrackingEventV1; readonly messageId: string }
  | {
      readonly ok: false;
      readonly reason: CarrierRefusalReason | 'invalid-event';
      readonly claimedKeyId: string | undefined;
    };

/**
 * The merchant side of a tracking callback: the signature on the raw bytes first (with replay
 * protection), then the body against the strict schema. Answer 401 to a refused signature and
 * 400 to an invalid event; deduplicate accepted events on `event.eventId`.
 */
export function verifyTrackingCallback(
  verifier: CarrierMessageVerifier,
  callback: IncomingTrackingCallback,
): TrackingCallbackCheck {
  const check = verifier.verify({
    kind: 'callback',
    target: callback.path,
    body: callback.body,
    headers: callback.headers,
  });
  if (!check.ok) return check;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(callback.body).toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid-event', claimedKeyId: check.keyId };
  }
  const event = trackingEventV1Schema.safeParse(parsed);
  if (!event.success) return { ok: false, reason: 'invalid-event', claimedKeyId: check.keyId };
  return { ok: true, event: event.data, messageId: check.messageId };
}
