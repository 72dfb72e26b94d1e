export interface StaffOrderRecord {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: string;
  readonly placedAt: Date;
  readonly updatedAt: Date;
  readonly sealed: {
    readonly customerName: string;
    readonly customerEmail: string;
    readonly customerPhone: string;
    readonly deliveryAddress: string;
  };
}

/** An order as staff may read it, still sealed; the use case opens only what the role sees. */
export abstract class StaffOrderReader {
  abstract find(orderId: string): Promise<StaffOrderRecord | undefined>;
}
