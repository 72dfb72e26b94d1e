import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key service's tables. The database itself keeps the promises that matter most: one live
 * key per subject and purpose, a destroyed key has no key bytes and is never brought back, and
 * the audit trail is never rewritten.
 */
export class CreateKeyTables1764144000000 implements MigrationInterface {
  readonly name = 'CreateKeyTables1764144000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE data_keys (
        key_id            text        PRIMARY KEY,
        subject           text        NOT NULL,
        purpose           text        NOT NULL,
        allowed_services  text[]      NOT NULL CHECK (cardinality(allowed_services) > 0),
        created_by        text        NOT NULL,
        -- The data key wrapped by the master key; NULL once destroyed.
        wrapped_key       bytea,
        master_key_id     text        NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        destroyed_at      timestamptz,
        destroy_reason    text,
        CONSTRAINT data_keys_destroyed_means_no_key CHECK (
          (destroyed_at IS NULL AND wrapped_key IS NOT NULL AND destroy_reason IS NULL)
          OR (destroyed_at IS NOT NULL AND wrapped_key IS NULL AND destroy_reason IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX data_keys_one_live_key ON data_keys (subject, purpose)
      WHERE destroyed_at IS NULL`);
    await queryRunner.query(`
      CREATE FUNCTION data_keys_destroy_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.destroyed_at IS NOT NULL THEN
          RAISE EXCEPTION 'data key % was destroyed; it cannot change', OLD.key_id;
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER data_keys_destroy_is_final BEFORE UPDATE ON data_keys
      FOR EACH ROW EXECUTE FUNCTION data_keys_destroy_is_final()`);

    await queryRunner.query(`
      CREATE TABLE key_audit (
        id               bigserial   PRIMARY KEY,
        occurred_at      timestamptz NOT NULL DEFAULT now(),
        caller           text        NOT NULL,
        caller_verified  boolean     NOT NULL,
        key_id           text,
        action           text        NOT NULL CHECK (action IN ('create', 'get', 'destroy')),
        outcome          text        NOT NULL CHECK (outcome IN ('granted', 'refused')),
        reason           text        NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX key_audit_key_id ON key_audit (key_id, occurred_at)`);
    await queryRunner.query(`CREATE INDEX key_audit_occurred_at ON key_audit (occurred_at)`);
    await queryRunner.query(`
      CREATE FUNCTION key_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'key_audit is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER key_audit_append_only BEFORE UPDATE ON key_audit
      FOR EACH ROW EXECUTE FUNCTION key_audit_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE key_audit`);
    await queryRunner.query(`DROP FUNCTION key_audit_append_only()`);
    await queryRunner.query(`DROP TABLE data_keys`);
    await queryRunner.query(`DROP FUNCTION data_keys_destroy_is_final()`);
  }
}
