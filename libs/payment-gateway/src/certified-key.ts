import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import {
  gatewayCertificateSchema,
  gatewayKeyIdOf,
  type GatewayCertificate,
} from './gateway-certificate';

/** A private Ed25519 key and the certificate the gateway's root issued for it. */
export interface CertifiedKeyFile {
  privateKeyPem: string;
  certificate: GatewayCertificate;
}

export class CertifiedKey {
  constructor(
    private readonly privateKey: KeyObject,
    readonly certificate: GatewayCertificate,
  ) {
    const keyId = gatewayKeyIdOf(certificate.subject, createPublicKey(privateKey));
    if (keyId !== certificate.keyId) {
      throw new Error(`Certificate ${certificate.keyId} is not for this key (${keyId})`);
    }
  }

  get keyId(): string {
    return this.certificate.keyId;
  }

  /** A new key pair, not yet certified: send `publicKey` to the gateway's enrolment. */
  static generateKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
    return generateKeyPairSync('ed25519');
  }

  static fromFile(file: CertifiedKeyFile): CertifiedKey {
    return new CertifiedKey(
      createPrivateKey(file.privateKeyPem),
      gatewayCertificateSchema.parse(file.certificate),
    );
  }

  toFile(): CertifiedKeyFile {
    return {
      privateKeyPem: this.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      certificate: this.certificate,
    };
  }

  sign(data: Buffer): Buffer {
    return sign(null, data, this.privateKey);
  }
}
