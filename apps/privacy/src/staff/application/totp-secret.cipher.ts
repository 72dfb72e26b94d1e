/** Seals TOTP secrets at rest (under the master key), bound to the account they belong to. */
export abstract class TotpSecretCipher {
  abstract seal(secret: Buffer, principalId: string): Buffer;
  abstract open(sealed: Buffer, principalId: string): Buffer;
}
