import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace context of the event that started the shipment, so the handover and tracking
 * checks (run later by a worker, outside any request) stay in the order's one trace.
 */
export class AddShipmentTraceContext1764316800002 implements MigrationInterface {
  readonly name = 'AddShipmentTraceContext1764316800002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE shipments ADD COLUMN trace_context jsonb NOT NULL DEFAULT '{}'::jsonb`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE shipments DROP COLUMN trace_context`);
  }
}
