import { createHash, randomUUID } from 'node:crypto';
import type { EventSigner } from '#lumen/crypto';

/**
 * The signed merchant↔carrier wire format. Shipment requests (merchant → carrier) are signed
 * with the merchant's Ed25519 key; the carrier's answers and its tracking callbacks (carrier →
 * merchant) with the carrier's. Header names follow the gateway wire (`gateway-*`), with the
 * `carrier-` prefix. The signature covers the raw body bytes as sent, so a verifier checks
 * exactly what arrived, before parsing it.
 */
export const CARRIER_HEADERS = {
  keyId: 'carrier-key-id',
  messageId: 'carrier-message-id',
  timestamp: 'carrier-timestamp',
  /** On answers only: the message id of the request answered. */
  inReplyTo: 'carrier-in-reply-to',
  signature: 'carrier-signature',
} as const;

export const CARRIER_MESSAGE_KINDS = ['request', 'answer', 'callback'] as const;
export type CarrierMessageKind = (typeof CARRIER_MESSAGE_KINDS)[number];

export interface CarrierMessageToSign {
  readonly kind: CarrierMessageKind;
  /**
   * What the message is for: requests `<METHOD> <path>`, answers the request's message id,
   * callbacks the path (with query) of the callback URL.
   */
  readonly target: string;
  readonly body: Buffer | string;
}

export type CarrierSignedHeaders = Record<string, string>;

/**
 * `lumen-carrier-message-v1`, kind, key id, message id, timestamp, target and the SHA-256 of
 * the body, one per line. Kind and target stop an answer being replayed as a callback, a
 * request being sent to another endpoint, and an answer being matched to another request.
 */
export function carrierSignedBytes(
  message: CarrierMessageToSign,
  keyId: string,
  messageId: string,
  timestamp: string,
): Buffer {
  const bodyHash = createHash('sha256').update(message.body).digest('hex');
  return Buffer.from(
    [
      'lumen-carrier-message-v1',
      message.kind,
      keyId,
      messageId,
      timestamp,
      message.target,
      bodyHash,
    ].join('\n'),
    'utf8',
  );
}

export interface CarrierSignOptions {
  readonly messageId?: string;
  readonly now?: Date;
}

/** Signs a message with a merchant or carrier key (an `EventSigner` from #lumen/crypto). */
export function signCarrierMessage(
  signer: EventSigner,
  message: CarrierMessageToSign,
  options: CarrierSignOptions = {},
): CarrierSignedHeaders {
  const messageId = options.messageId ?? randomUUID();
  const timestamp = String((options.now ?? new Date()).getTime());
  const signature = signer.sign(carrierSignedBytes(message, signer.keyId, messageId, timestamp));
  const headers: CarrierSignedHeaders = {
    [CARRIER_HEADERS.keyId]: signer.keyId,
    [CARRIER_HEADERS.messageId]: messageId,
    [CARRIER_HEADERS.timestamp]: timestamp,
    [CARRIER_HEADERS.signature]: signature.toString('base64url'),
  };
  if (message.kind === 'answer') headers[CARRIER_HEADERS.inReplyTo] = message.target;
  return headers;
}

/** Target of a request: method and path with query, as sent. */
export function carrierRequestTarget(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}
