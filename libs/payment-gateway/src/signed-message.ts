import { createHash, randomUUID } from 'node:crypto';
import type { CertifiedKey } from './certified-key';
import { encodeCertificate } from './gateway-certificate';

/**
 * The signed merchant↔gateway wire format. Every request (merchant → gateway), answer
 * (gateway → merchant, bound to the request it answers) and notification (gateway →
 * merchant webhook) carries these headers, and the signature covers the raw body bytes as
 * sent, so verifiers check exactly what arrived, before parsing it.
 */
export const GATEWAY_HEADERS = {
  keyId: 'gateway-key-id',
  certificate: 'gateway-certificate',
  messageId: 'gateway-message-id',
  timestamp: 'gateway-timestamp',
  /** On answers only: the message id of the request answered. */
  inReplyTo: 'gateway-in-reply-to',
  signature: 'gateway-signature',
} as const;

export const MESSAGE_KINDS = ['request', 'answer', 'notification'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface MessageToSign {
  readonly kind: MessageKind;
  /** Requests: `<METHOD> <path>`; answers: the request's message id; notifications: the path. */
  readonly target: string;
  readonly body: Buffer | string;
}

export type SignedHeaders = Record<string, string>;

/**
 * `lumen-gateway-message-v1`, kind, key id, message id, timestamp, target, SHA-256 of the
 * body, one per line. The kind and target stop a signed answer being replayed as a request,
 * a request being sent to another endpoint, or an answer being matched to another request.
 */
export function messageSignedBytes(
  message: MessageToSign,
  keyId: string,
  messageId: string,
  timestamp: string,
): Buffer {
  const bodyHash = createHash('sha256').update(message.body).digest('hex');
  return Buffer.from(
    [
      'lumen-gateway-message-v1',
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

export interface SignOptions {
  readonly messageId?: string;
  readonly now?: Date;
}

export function signMessage(
  key: CertifiedKey,
  message: MessageToSign,
  options: SignOptions = {},
): SignedHeaders {
  const messageId = options.messageId ?? randomUUID();
  const timestamp = String((options.now ?? new Date()).getTime());
  const signature = key.sign(messageSignedBytes(message, key.keyId, messageId, timestamp));
  const headers: SignedHeaders = {
    [GATEWAY_HEADERS.keyId]: key.keyId,
    [GATEWAY_HEADERS.certificate]: encodeCertificate(key.certificate),
    [GATEWAY_HEADERS.messageId]: messageId,
    [GATEWAY_HEADERS.timestamp]: timestamp,
    [GATEWAY_HEADERS.signature]: signature.toString('base64url'),
  };
  if (message.kind === 'answer') headers[GATEWAY_HEADERS.inReplyTo] = message.target;
  return headers;
}

/** Target of a request: method and path with query, as sent. */
export function requestTarget(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}
