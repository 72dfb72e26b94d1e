import { createHash } from 'node:crypto';
import type { EventSigner } from './event-signer';
import type { KeyRing } from './key-ring';

/**
 * Service-to-service HTTP requests signed with the caller's Ed25519 service key (the same key
 * it signs its events with). The signature covers the method, the path with its query, the
 * timestamp and a SHA-256 of the body, so neither the target, the time nor the body can be
 * changed, and the key id ties it to one service in the verifier's `KeyRing`.
 */
export const SERVICE_REQUEST_HEADERS = {
  service: 'lumen-service',
  keyId: 'lumen-key-id',
  timestamp: 'lumen-timestamp',
  signature: 'lumen-signature',
} as const;

/** How far a request's timestamp may be from the verifier's clock, either way. */
export const DEFAULT_MAX_SKEW_MS = 300_000;

export interface ServiceRequest {
  readonly method: string;
  /** Path and query exactly as sent, e.g. `/keys/dk_1?x=1`. */
  readonly path: string;
  readonly body?: Buffer | string;
}

export type ServiceRequestHeaders = Record<
  (typeof SERVICE_REQUEST_HEADERS)[keyof typeof SERVICE_REQUEST_HEADERS],
  string
>;

export type ServiceRequestRefusal =
  'missing-signature' | 'stale-timestamp' | 'unknown-key' | 'wrong-signer' | 'bad-signature';

export type ServiceRequestCheck =
  | { readonly ok: true; readonly service: string }
  | {
      readonly ok: false;
      readonly reason: ServiceRequestRefusal;
      /** What the request says it is; unverified, for the audit trail only. */
      readonly claimedService: string | undefined;
    };

function signedBytes(
  service: string,
  keyId: string,
  timestamp: string,
  request: ServiceRequest,
): Buffer {
  const bodyHash = createHash('sha256')
    .update(request.body ?? '')
    .digest('hex');
  return Buffer.from(
    [
      'lumen-request-v1',
      service,
      keyId,
      request.method.toUpperCase(),
      request.path,
      timestamp,
      bodyHash,
    ].join('\n'),
    'utf8',
  );
}

export function signServiceRequest(
  signer: EventSigner,
  request: ServiceRequest,
  now: Date = new Date(),
): ServiceRequestHeaders {
  const timestamp = String(now.getTime());
  const signature = signer.sign(signedBytes(signer.service, signer.keyId, timestamp, request));
  return {
    [SERVICE_REQUEST_HEADERS.service]: signer.service,
    [SERVICE_REQUEST_HEADERS.keyId]: signer.keyId,
    [SERVICE_REQUEST_HEADERS.timestamp]: timestamp,
    [SERVICE_REQUEST_HEADERS.signature]: signature.toString('base64'),
  };
}

type HeaderValue = string | readonly string[] | undefined;

function single(value: HeaderValue): string | undefined {
  // A repeated header is ambiguous (which one was signed?), so it counts as absent.
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) return undefined;
  return value;
}

export interface VerifyServiceRequestOptions {
  readonly now?: Date;
  readonly maxSkewMs?: number;
}

/** Checks a signed request; headers are looked up by their lower-case names, as Node gives them. */
export function verifyServiceRequest(
  keyRing: KeyRing,
  request: ServiceRequest & { readonly headers: Readonly<Record<string, HeaderValue>> },
  options: VerifyServiceRequestOptions = {},
): ServiceRequestCheck {
  const service = single(request.headers[SERVICE_REQUEST_HEADERS.service]);
  const keyId = single(request.headers[SERVICE_REQUEST_HEADERS.keyId]);
  const timestamp = single(request.headers[SERVICE_REQUEST_HEADERS.timestamp]);
  const signature = single(request.headers[SERVICE_REQUEST_HEADERS.signature]);
  const refuse = (reason: ServiceRequestRefusal): ServiceRequestCheck => ({
    ok: false,
    reason,
    claimedService: service,
  });
  if (!service || !keyId || !timestamp || !signature) return refuse('missing-signature');
  const sentAt = /^\d{1,15}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  const now = (options.now ?? new Date()).getTime();
  if (
    !Number.isFinite(sentAt) ||
    Math.abs(now - sentAt) > (options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)
  ) {
    return refuse('stale-timestamp');
  }
  const check = keyRing.verify(
    keyId,
    signedBytes(service, keyId, timestamp, request),
    Buffer.from(signature, 'base64'),
    service,
  );
  return check.ok ? { ok: true, service: check.service } : refuse(check.reason);
}
