/** Signs erasure receipts with the privacy service's Ed25519 key; serves the public half. */
export abstract class ReceiptSigner {
  abstract readonly keyId: string;
  abstract readonly publicKeyPem: string;
  abstract sign(bytes: Buffer): Buffer;
}
