import type { KeyRing } from '#lumen/crypto';
import { CARRIER_HEADERS, carrierSignedBytes, type CarrierMessageToSign } from './carrier-message';
import type { CarrierReplayCache } from './replay-cache';

export const DEFAULT_MAX_SKEW_MS = 300_000;

/** Why a message was refused; the refusing side logs it (never the body). */
export const CARRIER_REFUSAL_REASONS = [
  'missing-header',
  'malformed-header',
  'stale-timestamp',
  'unknown-key',
  'wrong-signer',
  'bad-signature',
  'replayed',
  'replay-cache-full',
] as const;
export type CarrierRefusalReason = (typeof CARRIER_REFUSAL_REASONS)[number];

export type CarrierMessageCheck =
  | {
      readonly ok: true;
      readonly keyId: string;
      readonly signer: string;
      readonly messageId: string;
      readonly sentAt: Date;
    }
  | {
      readonly ok: false;
      readonly reason: CarrierRefusalReason;
      /** What the message claims; unverified, for the log only. */
      readonly claimedKeyId: string | undefined;
    };

type HeaderValue = string | readonly string[] | undefined;
export type CarrierIncomingHeaders = Readonly<Record<string, HeaderValue>>;

export interface CarrierIncomingMessage extends CarrierMessageToSign {
  /** Header names in lower case, as Node and fetch give them. */
  readonly headers: CarrierIncomingHeaders;
}

export interface CarrierMessageVerifierOptions {
  /** The public keys trusted for this peer (`KeyRing` from #lumen/crypto). */
  readonly keyRing: KeyRing;
  /** The service name the signing key must belong to, e.g. `merchant` or `carrier`. */
  readonly signer: string;
  readonly replayCache: CarrierReplayCache;
  readonly maxSkewMs?: number;
  readonly clock?: () => number;
}

function single(value: HeaderValue, maxLength: number): string | undefined {
  // A repeated header is ambiguous (which one was signed?), so it counts as absent.
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) return undefined;
  return value;
}

/**
 * Verifies a signed carrier-wire message on its raw bytes. Checks run cheapest first; the
 * message id is remembered only once the signature is valid, so forged messages cannot fill
 * the replay cache, and a refused message changes nothing.
 */
export class CarrierMessageVerifier {
  private readonly maxSkewMs: number;
  private readonly clock: () => number;

  constructor(private readonly options: CarrierMessageVerifierOptions) {
    this.maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
    this.clock = options.clock ?? Date.now;
  }

  verify(message: CarrierIncomingMessage): CarrierMessageCheck {
    const { headers } = message;
    const keyId = single(headers[CARRIER_HEADERS.keyId], 100);
    const refuse = (reason: CarrierRefusalReason): CarrierMessageCheck => ({
      ok: false,
      reason,
      claimedKeyId: keyId,
    });
    const messageId = single(headers[CARRIER_HEADERS.messageId], 100);
    const timestamp = single(headers[CARRIER_HEADERS.timestamp], 20);
    const signature = single(headers[CARRIER_HEADERS.signature], 200);
    if (!keyId || !messageId || !timestamp || !signature) return refuse('missing-header');
    if (
      !/^[A-Za-z0-9_-]{8,100}$/.test(messageId) ||
      !/^\d{1,15}$/.test(timestamp) ||
      !/^[A-Za-z0-9_-]{86}$/.test(signature)
    ) {
      return refuse('malformed-header');
    }
    const now = this.clock();
    if (Math.abs(now - Number(timestamp)) > this.maxSkewMs) return refuse('stale-timestamp');

    const check = this.options.keyRing.verify(
      keyId,
      carrierSignedBytes(message, keyId, messageId, timestamp),
      Buffer.from(signature, 'base64url'),
      this.options.signer,
    );
    if (!check.ok) return refuse(check.reason);

    const remembered = this.options.replayCache.remember(`${keyId}/${messageId}`, now);
    if (remembered === 'replayed') return refuse('replayed');
    if (remembered === 'full') return refuse('replay-cache-full');
    return {
      ok: true,
      keyId,
      signer: check.service,
      messageId,
      sentAt: new Date(Number(timestamp)),
    };
  }
}
