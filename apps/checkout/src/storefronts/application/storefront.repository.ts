export interface Storefront {
  readonly storefrontId: string;
  readonly displayName: string;
}

/** Where storefronts and their API key hashes live (the checkout schema). */
export abstract class StorefrontRepository {
  /** The live (not revoked) storefront whose API key hashes to `keyHash`. */
  abstract findByKeyHash(keyHash: Buffer): Promise<Storefront | undefined>;
  /** Creates the storefront, or gives it this key hash (rotation); the old key stops working. */
  abstract upsert(storefront: Storefront, keyHash: Buffer): Promise<void>;
}
