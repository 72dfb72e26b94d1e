import type { GatewayCertificate, RevokedEntry } from '#lumen/payment-gateway';

export interface MerchantRecord {
  readonly merchantId: string;
  notificationUrl: string | undefined;
}

export interface RegistryState {
  readonly merchants: MerchantRecord[];
  readonly certificates: GatewayCertificate[];
  readonly revoked: RevokedEntry[];
}

/**
 * Everything the CA has issued and revoked. Revocation is by key: every certificate of a
 * revoked key is listed, so a key cannot come back under an older or newer certificate.
 */
export class MerchantRegistry {
  private readonly merchants: Map<string, MerchantRecord>;
  private readonly certificates: Map<string, GatewayCertificate>;
  private readonly revoked: Map<string, RevokedEntry>;

  constructor(state: RegistryState = { merchants: [], certificates: [], revoked: [] }) {
    this.merchants = new Map(state.merchants.map((m) => [m.merchantId, { ...m }]));
    this.certificates = new Map(state.certificates.map((c) => [c.serial, c]));
    this.revoked = new Map(state.revoked.map((r) => [r.serial, r]));
  }

  snapshot(): RegistryState {
    return {
      merchants: [...this.merchants.values()].map((m) => ({ ...m })),
      certificates: [...this.certificates.values()],
      revoked: [...this.revoked.values()],
    };
  }

  recordCertificate(certificate: GatewayCertificate, notificationUrl: string | undefined): void {
    if (this.isKeyRevoked(certificate.keyId)) {
      throw new RegistryError(
        'key-revoked',
        `Key ${certificate.keyId} was revoked; enrol a new key`,
      );
    }
    this.certificates.set(certificate.serial, certificate);
    if (certificate.role !== 'merchant') return; // the gateway's own answer keys
    const merchant = this.merchants.get(certificate.subject) ?? {
      merchantId: certificate.subject,
      notificationUrl: undefined,
    };
    if (notificationUrl !== undefined) merchant.notificationUrl = notificationUrl;
    this.merchants.set(certificate.subject, merchant);
  }

  /** Revokes every certificate of the key; returns the new entries (none if already revoked). */
  revokeKey(keyId: string, reason: string, at: Date): RevokedEntry[] {
    const issued = [...this.certificates.values()].filter((c) => c.keyId === keyId);
    if (issued.length === 0) throw new RegistryError('unknown-key', `No certificate for ${keyId}`);
    const added: RevokedEntry[] = [];
    for (const certificate of issued) {
      if (this.revoked.has(certificate.serial)) continue;
      const entry = { serial: certificate.serial, keyId, revokedAt: at.toISOString(), reason };
      this.revoked.set(certificate.serial, entry);
      added.push(entry);
    }
    return added;
  }

  isKeyRevoked(keyId: string): boolean {
    return [...this.revoked.values()].some((entry) => entry.keyId === keyId);
  }

  revokedEntries(): RevokedEntry[] {
    return [...this.revoked.values()];
  }

  notificationUrlOf(merchantId: string): string | undefined {
    return this.merchants.get(merchantId)?.notificationUrl;
  }
}

export type RegistryErrorCode = 'unknown-key' | 'key-revoked';

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}
