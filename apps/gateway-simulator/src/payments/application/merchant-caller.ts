/** The verified sender of a merchant request. */
export interface MerchantCaller {
  readonly merchantId: string;
  readonly keyId: string;
  readonly messageId: string;
}
