import { verify, type KeyObject } from 'node:crypto';
import {
  decodeCertificate,
  decodePublicKey,
  verifyCertificateSignature,
  type CertificateRole,
  type GatewayCertificate,
} from './gateway-certificate';
import type { PinnedRoot } from './gateway-root';
import type { ReplayCache } from './replay-cache';
import type { RevocationSource } from './revocation-status';
import { GATEWAY_HEADERS, messageSignedBytes, type MessageToSign } from './signed-message';

export const DEFAULT_MAX_SKEW_MS = 300_000;
export const DEFAULT_MAX_REVOCATION_AGE_MS = 60_000;
const MAX_VERIFIED_CERTIFICATES = 256;

/** Why a message was refused; each one is audited by the side that refused it. */
export const REFUSAL_REASONS = [
  'missing-header',
  'malformed-header',
  'unknown-key',
  'self-issued',
  'untrusted-issuer',
  'certificate-not-valid-now',
  'wrong-role',
  'wrong-subject',
  'revocation-unavailable',
  'revocation-stale',
  'revoked',
  'stale-timestamp',
  'bad-signature',
  'replayed',
  'replay-cache-full',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export type MessageCheck =
  | {
      readonly ok: true;
      readonly keyId: string;
      readonly subject: string;
      readonly role: CertificateRole;
      readonly messageId: string;
    }
  | {
      readonly ok: false;
      readonly reason: RefusalReason;
      /** What the message claims; unverified, for the audit trail only. */
      readonly claimedKeyId: string | undefined;
    };

export interface MessageVerifierOptions {
  readonly root: PinnedRoot;
  /** Which certificates may sign what this verifier receives. */
  readonly acceptRole: Exclude<CertificateRole, 'root'>;
  readonly revocations: RevocationSource;
  readonly replayCache: ReplayCache;
  readonly maxSkewMs?: number;
  /** Older revocation data than this and every message is refused (fail closed). */
  readonly maxRevocationAgeMs?: number;
  readonly clock?: () => number;
}

type HeaderValue = string | readonly string[] | undefined;
export type IncomingHeaders = Readonly<Record<string, HeaderValue>>;

export interface IncomingMessage extends MessageToSign {
  readonly headers: IncomingHeaders;
  /** The subject the sender must be (a merchant id), when the verifier knows it. */
  readonly expectedSubject?: string;
}

function single(value: HeaderValue, maxLength: number): string | undefined {
  // A repeated header is ambiguous (which one was signed?), so it counts as absent.
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) return undefined;
  return value;
}

/**
 * Verifies a signed message against the pinned gateway root. Checks run cheapest first, and
 * the message id is remembered only once the signature is valid, so forged messages cannot
 * fill the replay cache. A refusal changes nothing on the verifying side except the audit.
 */
export class MessageVerifier {
  private readonly maxSkewMs: number;
  private readonly maxRevocationAgeMs: number;
  private readonly clock: () => number;
  /**
   * Certificates (as sent, encoded) whose signature chain to the pinned root has verified, with
   * their decoded public key. Whether a certificate was signed by the root never changes, so
   * the two signature checks and key decodings run once per certificate rather than once per
   * message; validity dates, role, subject, revocation and the message's own signature are
   * still checked on every message. Only verified certificates get in: forgeries cannot fill it.
   */
  private readonly chainVerified = new Map<string, KeyObject>();

  constructor(private readonly options: MessageVerifierOptions) {
    this.maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
    this.maxRevocationAgeMs = options.maxRevocationAgeMs ?? DEFAULT_MAX_REVOCATION_AGE_MS;
    this.clock = options.clock ?? Date.now;
  }

  verify(message: IncomingMessage): MessageCheck {
    const { headers } = message;
    const keyId = single(headers[GATEWAY_HEADERS.keyId], 100);
    const refuse = (reason: RefusalReason): MessageCheck => ({
      ok: false,
      reason,
      claimedKeyId: keyId,
    });
    const encodedCertificate = single(headers[GATEWAY_HEADERS.certificate], 4096);
    const messageId = single(headers[GATEWAY_HEADERS.messageId], 100);
    const timestamp = single(headers[GATEWAY_HEADERS.timestamp], 20);
    const signature = single(headers[GATEWAY_HEADERS.signature], 200);
    if (!keyId || !messageId || !timestamp || !signature) return refuse('missing-header');
    if (!/^[A-Za-z0-9_-]{8,100}$/.test(messageId) || !/^\d{1,15}$/.test(timestamp)) {
      return refuse('malformed-header');
    }
    const now = this.clock();
    if (Math.abs(now - Number(timestamp)) > this.maxSkewMs) return refuse('stale-timestamp');

    if (!encodedCertificate) return refuse('unknown-key');
    const certificate = decodeCertificate(encodedCertificate);
    if (!certificate || certificate.keyId !== keyId) return refuse('unknown-key');
    const chain = this.checkChain(encodedCertificate, certificate, now);
    if (typeof chain === 'string') return refuse(chain);
    if (message.expectedSubject !== undefined && certificate.subject !== message.expectedSubject) {
      return refuse('wrong-subject');
    }

    const revocations = this.options.revocations.current();
    if (!revocations) return refuse('revocation-unavailable');
    if (now - revocations.issuedAt > this.maxRevocationAgeMs) return refuse('revocation-stale');
    if (revocations.revocationOf(certificate.serial, certificate.keyId)) return refuse('revoked');

    let valid: boolean;
    try {
      valid = verify(
        null,
        messageSignedBytes(message, keyId, messageId, timestamp),
        chain.publicKey,
        Buffer.from(signature, 'base64url'),
      );
    } catch {
      valid = false;
    }
    if (!valid) return refuse('bad-signature');

    const remembered = this.options.replayCache.remember(`${keyId}/${messageId}`, now);
    if (remembered === 'replayed') return refuse('replayed');
    if (remembered === 'full') return refuse('replay-cache-full');
    return {
      ok: true,
      keyId,
      subject: certificate.subject,
      role: certificate.role,
      messageId,
    };
  }

  private checkChain(
    encoded: string,
    certificate: GatewayCertificate,
    now: number,
  ): RefusalReason | { readonly publicKey: KeyObject } {
    const publicKey = this.chainVerified.get(encoded) ?? this.verifyChain(encoded, certificate);
    if (typeof publicKey === 'string') return publicKey;
    if (now < Date.parse(certificate.notBefore) || now >= Date.parse(certificate.notAfter)) {
      return 'certificate-not-valid-now';
    }
    if (certificate.role !== this.options.acceptRole) return 'wrong-role';
    return { publicKey };
  }

  private verifyChain(encoded: string, certificate: GatewayCertificate): RefusalReason | KeyObject {
    const { root } = this.options;
    let ownKey;
    try {
      ownKey = decodePublicKey(certificate.publicKey);
    } catch {
      return 'unknown-key';
    }
    // Signed by its own key: someone made up their own certificate.
    if (
      certificate.issuerKeyId === certificate.keyId ||
      verifyCertificateSignature(certificate, ownKey)
    ) {
      return 'self-issued';
    }
    if (
      certificate.issuerKeyId !== root.keyId ||
      !verifyCertificateSignature(certificate, root.publicKey)
    ) {
      return 'untrusted-issuer';
    }
    // A gateway has a handful of live certificates; the bound only guards against churn.
    if (this.chainVerified.size >= MAX_VERIFIED_CERTIFICATES) this.chainVerified.clear();
    this.chainVerified.set(encoded, ownKey);
    return ownKey;
  }
}
