import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox and inbox every service keeps in its own schema (the data source sets
 * `search_path`, so names are unqualified). Every app lists this migration first.
 */
export class CreateMessagingTables1764057600000 implements MigrationInterface {
  readonly name = 'CreateMessagingTables1764057600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox (
        id             bigserial PRIMARY KEY,
        event_id       uuid        NOT NULL UNIQUE,
        topic          text        NOT NULL,
        message_key    text        NOT NULL,
        -- The envelope exactly as it will be sent, and the producer's signature over it.
        value          bytea       NOT NULL,
        signature      bytea       NOT NULL,
        -- W3C trace context of the transaction that wrote the row, restored on publish.
        trace_context  jsonb       NOT NULL DEFAULT '{}',
        created_at     timestamptz NOT NULL DEFAULT now(),
        published_at   timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL`,
    );
    // Wake the relay as soon as a transaction that wrote events commits (NOTIFY is
    // delivered on commit, and once per transaction however many rows it wrote).
    await queryRunner.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('lumen_outbox_' || current_schema(), '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
    await queryRunner.query(`
      CREATE TABLE inbox (
        consumer      text        NOT NULL,
        event_id      uuid        NOT NULL,
        topic         text        NOT NULL,
        processed_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await queryRunner.query(`CREATE INDEX inbox_processed_at ON inbox (processed_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbox`);
    await queryRunner.query(`DROP TRIGGER outbox_notify ON outbox`);
    await queryRunner.query(`DROP FUNCTION outbox_notify()`);
    await queryRunner.query(`DROP TABLE outbox`);
  }
}
