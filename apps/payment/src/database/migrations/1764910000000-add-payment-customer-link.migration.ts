import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which customer a payment belongs to (checkout's pseudonymous customer id, from
 * `checkout.order.placed.v1`) and the gateway that handled it, so payment can answer a subject
 * access request and erase the link on request. The payment itself (amounts, gateway
 * reference, refunds) is an accounting record and stays; the link goes when the customer is
 * erased, or when the retention schedule says. Payments taken before this migration have no
 * link: they were never tied to a customer here.
 */
export class AddPaymentCustomerLink1764910000000 implements MigrationInterface {
  readonly name = 'AddPaymentCustomerLink1764910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE payments
        ADD COLUMN customer_id uuid,
        ADD COLUMN gateway text,
        ADD COLUMN customer_unlinked_at timestamptz,
        ADD COLUMN customer_unlinked_by text CHECK (customer_unlinked_by IN ('retention', 'erasure')),
        ADD CONSTRAINT payments_customer_linked_or_unlinked CHECK (
          customer_unlinked_at IS NULL
          OR (customer_id IS NULL AND customer_unlinked_by IS NOT NULL))`);
    await queryRunner.query(
      `CREATE INDEX payments_customer ON payments (customer_id) WHERE customer_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX payments_customer`);
    await queryRunner.query(`
      ALTER TABLE payments
        DROP CONSTRAINT payments_customer_linked_or_unlinked,
        DROP COLUMN customer_unlinked_by,
        DROP COLUMN customer_unlinked_at,
        DROP COLUMN gateway,
        DROP COLUMN customer_id`);
  }
}
