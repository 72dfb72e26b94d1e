/** Who removed an order's personal data, as `orders.personal_data_removed_by` records it. */
export type PersonalDataRemover = 'erasure' | 'retention';

export interface StaffOrderRecord {
  readonly orderId: string;
  /** Null once the customer was erased: the order no longer says whose it was. */
  readonly customerId: string | null;
  readonly status: string;
  readonly placedAt: Date;
  readonly updatedAt: Date;
  /** Each null once erasure or retention removed the order's personal data. */
  readonly sealed: {
    readonly customerName: string | null;
    readonly customerEmail: string | null;
    readonly customerPhone: string | null;
    readonly deliveryAddress: string | null;
  };
  readonly personalDataRemoved: { readonly by: PersonalDataRemover; readonly at: Date } | null;
}

/** An order as staff may read it, still sealed; the use case opens only what the role sees. */
export abstract class StaffOrderReader {
  abstract find(orderId: string): Promise<StaffOrderRecord | undefined>;
}
