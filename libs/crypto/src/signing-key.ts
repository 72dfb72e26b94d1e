import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

/** A service's private Ed25519 key, with the id verifiers know it by. */
export interface SigningKey {
  readonly keyId: string;
  readonly service: string;
  readonly privateKey: KeyObject;
}

/** A public key a verifier trusts, and the one service it speaks for. */
export interface TrustedKey {
  readonly keyId: string;
  readonly service: string;
  readonly publicKey: KeyObject;
}

/** On-disk forms: PEM text, so operators can inspect and rotate them with standard tools. */
export interface SigningKeyFile {
  keyId: string;
  service: string;
  privateKeyPem: string;
}
export interface TrustedKeyFile {
  keyId: string;
  service: string;
  publicKeyPem: string;
}

/**
 * The key id is derived from the public key itself (`<service>:<fingerprint>`), so an id can
 * never silently point at a different key, and the service it belongs to is readable in logs.
 */
export function keyIdOf(service: string, publicKey: KeyObject): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return `${service}:${createHash('sha256').update(spki).digest('hex').slice(0, 16)}`;
}

export function generateSigningKey(service: string): { signing: SigningKey; trusted: TrustedKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyId = keyIdOf(service, publicKey);
  return {
    signing: { keyId, service, privateKey },
    trusted: { keyId, service, publicKey },
  };
}

export function signingKeyToFile(key: SigningKey): SigningKeyFile {
  return {
    keyId: key.keyId,
    service: key.service,
    privateKeyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export function trustedKeyToFile(key: TrustedKey): TrustedKeyFile {
  return {
    keyId: key.keyId,
    service: key.service,
    publicKeyPem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function signingKeyFromFile(file: SigningKeyFile): SigningKey {
  const privateKey = createPrivateKey(file.privateKeyPem);
  const expected = keyIdOf(file.service, createPublicKey(privateKey));
  if (expected !== file.keyId) {
    throw new Error(
      `Signing key file for ${file.service} names ${file.keyId}, but holds ${expected}`,
    );
  }
  return { keyId: file.keyId, service: file.service, privateKey };
}

export function trustedKeyFromFile(file: TrustedKeyFile): TrustedKey {
  const publicKey = createPublicKey(file.publicKeyPem);
  const expected = keyIdOf(file.service, publicKey);
  if (expected !== file.keyId) {
    throw new Error(`Trusted key ${file.keyId} does not match its public key (${expected})`);
  }
  return { keyId: file.keyId, service: file.service, publicKey };
}
