import { Injectable } from '@nestjs/common';
import {
  decodePublicKey,
  enrolmentRequestSchema,
  verifyEnrolmentProof,
  type GatewayCertificate,
} from '#lumen/payment-gateway';
import { SimulatorException } from '../../payments/domain/simulator.exception';
import { GatewayAuthority } from './gateway-authority';

const DAY_MS = 86_400_000;

/**
 * Certifies a merchant's public key, after checking the request was signed by that key's
 * private half. A merchant may hold several live certificates at once: that is the overlap
 * that lets it rotate keys without downtime.
 */
@Injectable()
export class EnrolMerchantKey {
  constructor(private readonly authority: GatewayAuthority) {}

  execute(input: unknown, now: Date = new Date()): GatewayCertificate {
    const parsed = enrolmentRequestSchema.safeParse(input);
    if (!parsed.success) {
      throw new SimulatorException('invalid-request', parsed.error.issues.map(describe).join('; '));
    }
    const request = parsed.data;
    let publicKey;
    try {
      publicKey = decodePublicKey(request.publicKey);
    } catch {
      throw new SimulatorException('invalid-request', 'publicKey: expected an Ed25519 SPKI key');
    }
    if (!verifyEnrolmentProof(request)) {
      throw new SimulatorException(
        'invalid-request',
        'proof: not signed by the key being enrolled',
      );
    }
    const certificate = this.authority.root.issue({
      role: 'merchant',
      subject: request.merchantId,
      publicKey,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + request.validityDays * DAY_MS),
    });
    if (this.authority.registry.isKeyRevoked(certificate.keyId)) {
      throw new SimulatorException(
        'conflict',
        `Key ${certificate.keyId} was revoked; enrol a new key`,
      );
    }
    this.authority.registry.recordCertificate(certificate, request.notificationUrl);
    this.authority.persist();
    return certificate;
  }
}

function describe(issue: { path: PropertyKey[]; message: string }): string {
  return `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`;
}
