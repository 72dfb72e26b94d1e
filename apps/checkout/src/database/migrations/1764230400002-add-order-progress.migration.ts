import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `'placed', 'payment_confirmed', 'payment_failed', 'shipped', 'delivered', 'cancelled'`;

/**
 * The read model follows payment's and fulfilment's events: each step may carry a reason code
 * (`declined`, `delivery-failed`), and an event that arrives before the one it follows (a
 * shipment seen before its payment: two topics, no order between them) waits here until the
 * order catches up.
 */
export class AddOrderProgress1764230400002 implements MigrationInterface {
  readonly name = 'AddOrderProgress1764230400002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE order_status_history
        ADD COLUMN reason text CHECK (reason ~ '^[a-z][a-z0-9-]{0,63}$')`);
    await queryRunner.query(`
      CREATE TABLE order_pending_progress (
        order_id     uuid        NOT NULL REFERENCES orders ON DELETE CASCADE,
        cause        text        NOT NULL,
        status       text        NOT NULL CHECK (status IN (${STATUSES})),
        occurred_at  timestamptz NOT NULL,
        reason       text        CHECK (reason ~ '^[a-z][a-z0-9-]{0,63}$'),
        received_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (order_id, cause)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE order_pending_progress`);
    await queryRunner.query(`ALTER TABLE order_status_history DROP COLUMN reason`);
  }
}
