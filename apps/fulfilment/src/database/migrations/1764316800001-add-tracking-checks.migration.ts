import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When to ask the carrier about a shipment that is on its way: callbacks can be lost (the
 * carrier gives up retrying, a signature key is rotated badly), so a shipment without news for
 * a while is reconciled with the carrier's signed tracking query.
 */
export class AddTrackingChecks1764316800001 implements MigrationInterface {
  readonly name = 'AddTrackingChecks1764316800001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE shipments ADD COLUMN next_tracking_check_at timestamptz`);
    await queryRunner.query(`
      CREATE INDEX shipments_tracking_due ON shipments (next_tracking_check_at)
      WHERE status IN ('handed_over', 'dispatched')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX shipments_tracking_due`);
    await queryRunner.query(`ALTER TABLE shipments DROP COLUMN next_tracking_check_at`);
  }
}
