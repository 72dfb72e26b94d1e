import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which customer an order belongs to (checkout's pseudonymous customer id, from
 * `checkout.order.placed.v1`), kept on the order's intake row after the sealed address is gone,
 * so fulfilment can answer a subject access request about shipments and erase the link on
 * request. The shipment records themselves hold no personal data and stay. Orders taken in
 * before this migration have no link.
 */
export class AddOrderCustomerLink1764910000000 implements MigrationInterface {
  readonly name = 'AddOrderCustomerLink1764910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE order_intake
        ADD COLUMN customer_id uuid,
        ADD COLUMN customer_unlinked_at timestamptz,
        ADD COLUMN customer_unlinked_by text CHECK (customer_unlinked_by IN ('retention', 'erasure')),
        ADD CONSTRAINT order_intake_customer_linked_or_unlinked CHECK (
          customer_unlinked_at IS NULL
          OR (customer_id IS NULL AND customer_unlinked_by IS NOT NULL))`);
    await queryRunner.query(
      `CREATE INDEX order_intake_customer ON order_intake (customer_id) WHERE customer_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX sealed_addresses_customer ON sealed_addresses (customer_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX sealed_addresses_customer`);
    await queryRunner.query(`DROP INDEX order_intake_customer`);
    await queryRunner.query(`
      ALTER TABLE order_intake
        DROP CONSTRAINT order_intake_customer_linked_or_unlinked,
        DROP COLUMN customer_unlinked_by,
        DROP COLUMN customer_unlinked_at,
        DROP COLUMN customer_id`);
  }
}
