import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import {
  CertifiedKey,
  GatewayRootKey,
  issueRevocationList,
  signCertificate,
  type RevocationList,
  type RevocationView,
} from '#lumen/payment-gateway';
import { RevocationSource } from '#lumen/payment-gateway';
import { MerchantRegistry } from '../domain/merchant-registry';
import type { AuthorityStore } from './authority-store';

const DAY_MS = 86_400_000;

/**
 * The simulated gateway's CA: the root key, the certified key the gateway signs answers and
 * notifications with, the registry of issued and revoked certificates, and the operator
 * token. A second, self-issued "rogue" key exists only for the wrong-key test switch.
 */
export class GatewayAuthority extends RevocationSource {
  readonly root: GatewayRootKey;
  readonly rogueKey: CertifiedKey;
  readonly registry: MerchantRegistry;
  private currentAnswerKey: CertifiedKey;
  private readonly answerKeyDays: number;
  private readonly operatorTokenHash: Buffer;

  constructor(
    private readonly store: AuthorityStore,
    options: { operatorToken: string | undefined; answerKeyDays: number; now?: Date },
  ) {
    super();
    const now = options.now ?? new Date();
    const stored = store.load();
    this.root = stored.root ? GatewayRootKey.fromFile(stored.root) : GatewayRootKey.generate();
    this.registry = new MerchantRegistry(stored.registry);
    this.answerKeyDays = options.answerKeyDays;
    const storedAnswerKey = stored.answerKey ? CertifiedKey.fromFile(stored.answerKey) : undefined;
    // The answer key is renewed well before it expires (merchants pin the root, not this
    // key), and at once when it was revoked.
    const renewBy = now.getTime() + 7 * DAY_MS;
    if (
      storedAnswerKey &&
      storedAnswerKey.certificate.issuerKeyId === this.root.keyId &&
      Date.parse(storedAnswerKey.certificate.notAfter) > renewBy &&
      !this.registry.isKeyRevoked(storedAnswerKey.keyId)
    ) {
      this.currentAnswerKey = storedAnswerKey;
      store.saveKeys(this.root.toFile(), storedAnswerKey.toFile());
    } else {
      this.currentAnswerKey = this.rotateAnswerKey(now);
    }

    const token =
      options.operatorToken ?? stored.operatorToken ?? randomBytes(32).toString('base64url');
    if (options.operatorToken === undefined && stored.operatorToken === undefined) {
      store.saveOperatorToken(token);
    }
    this.operatorTokenHash = createHash('sha256').update(token).digest();
    this.rogueKey = selfIssuedKey(now);
  }

  /** The key answers and notifications are signed with now. */
  get answerKey(): CertifiedKey {
    return this.currentAnswerKey;
  }

  /**
   * Certifies a fresh answer key and signs with it from now on. Merchants trust it at once
   * (it chains to the root they pin); the old one stays valid until it expires or is revoked.
   */
  rotateAnswerKey(now: Date = new Date()): CertifiedKey {
    const key = this.issueAnswerKey(now, this.answerKeyDays);
    this.registry.recordCertificate(key.certificate, undefined);
    this.currentAnswerKey = key;
    this.store.saveKeys(this.root.toFile(), key.toFile());
    this.persist();
    return key;
  }

  isOperator(token: string): boolean {
    return timingSafeEqual(createHash('sha256').update(token).digest(), this.operatorTokenHash);
  }

  /** The revocation list, signed now: its `issuedAt` tells verifiers how fresh it is. */
  revocationList(now: Date = new Date()): RevocationList {
    return issueRevocationList(this.root, this.registry.revokedEntries(), now);
  }

  /** The gateway's own verifier reads its registry directly: always current. */
  override current(): RevocationView {
    const registry = this.registry;
    return {
      issuedAt: Date.now(),
      revocationOf: (serial, keyId) =>
        registry.revokedEntries().find((e) => e.serial === serial || e.keyId === keyId),
    };
  }

  persist(): void {
    this.store.saveRegistry(this.registry.snapshot());
  }

  private issueAnswerKey(now: Date, days: number): CertifiedKey {
    const { privateKey, publicKey } = CertifiedKey.generateKeyPair();
    const certificate = this.root.issue({
      role: 'gateway',
      subject: 'gateway',
      publicKey,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + days * DAY_MS),
    });
    return new CertifiedKey(privateKey, certificate);
  }
}

/** A gateway-role key that certified itself: what the "wrong key" switch signs answers with. */
function selfIssuedKey(now: Date): CertifiedKey {
  const impostorRoot = GatewayRootKey.generate();
  const { privateKey, publicKey } = CertifiedKey.generateKeyPair();
  const { signature: _unused, ...body } = impostorRoot.issue({
    role: 'gateway',
    subject: 'gateway',
    publicKey,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + DAY_MS),
  });
  return new CertifiedKey(
    privateKey,
    signCertificate({ ...body, issuerKeyId: body.keyId }, privateKey),
  );
}
