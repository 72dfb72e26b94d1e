import type { MigrationInterface, QueryRunner } from 'typeorm';

const TERMINAL = `'payment_failed', 'delivered', 'cancelled'`;

/**
 * An order can outlive its personal data: the retention schedule masks an ended order's contact
 * fields after a period, and an erasure request masks every order of the customer and unlinks
 * it from the customer. The order's amounts, items and dates stay (accounting records). The
 * constraint keeps the two shapes apart: a row holds all four sealed values and its customer,
 * or none of them and says when and why they went.
 */
export class AddPersonalDataRemoval1764910000000 implements MigrationInterface {
  readonly name = 'AddPersonalDataRemoval1764910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE orders
        ALTER COLUMN customer_id DROP NOT NULL,
        ALTER COLUMN customer_name DROP NOT NULL,
        ALTER COLUMN customer_email DROP NOT NULL,
        ALTER COLUMN customer_phone DROP NOT NULL,
        ALTER COLUMN delivery_address DROP NOT NULL,
        ADD COLUMN personal_data_removed_at timestamptz,
        ADD COLUMN personal_data_removed_by text
          CHECK (personal_data_removed_by IN ('retention', 'erasure')),
        ADD CONSTRAINT orders_personal_data_held_or_removed CHECK (
          (personal_data_removed_at IS NULL AND personal_data_removed_by IS NULL
            AND customer_id IS NOT NULL AND customer_name IS NOT NULL
            AND customer_email IS NOT NULL AND customer_phone IS NOT NULL
            AND delivery_address IS NOT NULL)
          OR (personal_data_removed_at IS NOT NULL AND personal_data_removed_by IS NOT NULL
            AND customer_name IS NULL AND customer_email IS NULL AND customer_phone IS NULL
            AND delivery_address IS NULL
            AND (personal_data_removed_by = 'retention' OR customer_id IS NULL)))`);
    await queryRunner.query(`
      CREATE INDEX orders_ended_with_personal_data ON orders (updated_at)
      WHERE personal_data_removed_at IS NULL AND status IN (${TERMINAL})`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX orders_ended_with_personal_data`);
    // Masked rows cannot get their values back; a rollback needs none of them to exist.
    await queryRunner.query(`
      ALTER TABLE orders
        DROP CONSTRAINT orders_personal_data_held_or_removed,
        DROP COLUMN personal_data_removed_by,
        DROP COLUMN personal_data_removed_at,
        ALTER COLUMN delivery_address SET NOT NULL,
        ALTER COLUMN customer_phone SET NOT NULL,
        ALTER COLUMN customer_email SET NOT NULL,
        ALTER COLUMN customer_name SET NOT NULL,
        ALTER COLUMN customer_id SET NOT NULL`);
  }
}
