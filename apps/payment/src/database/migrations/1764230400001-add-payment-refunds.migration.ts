import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A payment given back when its order's shipment failed: status `refunded`, how (`refund` of
 * a capture or `void` of an authorisation), the shipment's reason code and when. Still no
 * card token and no personal data.
 */
export class AddPaymentRefunds1764230400001 implements MigrationInterface {
  readonly name = 'AddPaymentRefunds1764230400001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE payments
        ADD COLUMN refund_kind         text CHECK (refund_kind IN ('refund', 'void')),
        ADD COLUMN refund_reason_code  text,
        ADD COLUMN refunded_at         timestamptz`);
    await queryRunner.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await queryRunner.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_status_check
        CHECK (status IN ('authorising', 'authorised', 'confirmed', 'failed', 'refunded'))`);
    await queryRunner.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_refund_only_when_refunded CHECK (
        (status = 'refunded') = (refund_kind IS NOT NULL)
        AND (refund_kind IS NULL) = (refund_reason_code IS NULL)
        AND (refund_kind IS NULL) = (refunded_at IS NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE payments DROP CONSTRAINT payments_refund_only_when_refunded`,
    );
    await queryRunner.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await queryRunner.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_status_check
        CHECK (status IN ('authorising', 'authorised', 'confirmed', 'failed'))`);
    await queryRunner.query(`
      ALTER TABLE payments
        DROP COLUMN refunded_at,
        DROP COLUMN refund_reason_code,
        DROP COLUMN refund_kind`);
  }
}
