import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import {
  decodePublicKey,
  encodePublicKey,
  gatewayKeyIdOf,
  signCertificate,
  type CertificateRole,
  type GatewayCertificate,
} from './gateway-certificate';

/**
 * The gateway's root CA. Merchants pin its public half (`PinnedRoot`) out of band: a verifier
 * trusts a certificate only if this root signed it. Only the gateway holds the private half.
 */
export interface PinnedRoot {
  readonly keyId: string;
  readonly publicKey: KeyObject;
}

export interface PinnedRootFile {
  keyId: string;
  publicKey: string;
}

export function pinnedRootToFile(root: PinnedRoot): PinnedRootFile {
  return { keyId: root.keyId, publicKey: encodePublicKey(root.publicKey) };
}

export function pinnedRootFromFile(file: PinnedRootFile): PinnedRoot {
  const publicKey = decodePublicKey(file.publicKey);
  const expected = gatewayKeyIdOf('gateway-root', publicKey);
  if (expected !== file.keyId) {
    throw new Error(`Pinned root ${file.keyId} does not match its public key (${expected})`);
  }
  return { keyId: file.keyId, publicKey };
}

export interface IssueCertificateRequest {
  readonly role: Exclude<CertificateRole, 'root'>;
  readonly subject: string;
  readonly publicKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface GatewayRootFile {
  keyId: string;
  privateKeyPem: string;
}

export class GatewayRootKey {
  readonly keyId: string;
  readonly pinned: PinnedRoot;

  private constructor(private readonly privateKey: KeyObject) {
    const publicKey = createPublicKey(privateKey);
    this.keyId = gatewayKeyIdOf('gateway-root', publicKey);
    this.pinned = { keyId: this.keyId, publicKey };
  }

  static generate(): GatewayRootKey {
    return new GatewayRootKey(generateKeyPairSync('ed25519').privateKey);
  }

  static fromFile(file: GatewayRootFile): GatewayRootKey {
    const root = new GatewayRootKey(createPrivateKey(file.privateKeyPem));
    if (root.keyId !== file.keyId) {
      throw new Error(`Root key file names ${file.keyId}, but holds ${root.keyId}`);
    }
    return root;
  }

  toFile(): GatewayRootFile {
    return {
      keyId: this.keyId,
      privateKeyPem: this.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }

  /** Issues a certificate with a fresh random serial. */
  issue(request: IssueCertificateRequest): GatewayCertificate {
    if (request.notAfter <= request.notBefore)
      throw new Error('A certificate must end after it starts');
    return signCertificate(
      {
        version: 1,
        serial: randomBytes(16).toString('hex'),
        role: request.role,
        subject: request.subject,
        keyId: gatewayKeyIdOf(request.subject, request.publicKey),
        algorithm: 'ed25519',
        publicKey: encodePublicKey(request.publicKey),
        notBefore: request.notBefore.toISOString(),
        notAfter: request.notAfter.toISOString(),
        issuerKeyId: this.keyId,
      },
      this.privateKey,
    );
  }

  /** Signs arbitrary bytes with the root key (revocation lists). */
  sign(data: Buffer): Buffer {
    return sign(null, data, this.privateKey);
  }
}
