/** A published version of the shop's privacy policy: immutable once published. */
export interface PrivacyPolicy {
  readonly version: string;
  readonly text: string;
  /** SHA-256 of the text, hex: lets a storefront show it is displaying exactly this version. */
  readonly sha256: string;
  readonly publishedAt: Date;
}
