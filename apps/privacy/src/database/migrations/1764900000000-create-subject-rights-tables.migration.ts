import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subject access and erasure: the privacy service's customer directory (from
 * `checkout.order.placed.v1`), the register of requests, the services' answers, the assembled
 * packages and the erasure receipts. Personal values are only ever stored sealed: the e-mail on
 * file exactly as checkout sealed it (so erasing the customer's keys shreds it here too), the
 * fragments as the services sealed them, the packages under a key of their own.
 */
export class CreateSubjectRightsTables1764900000000 implements MigrationInterface {
  readonly name = 'CreateSubjectRightsTables1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_directory (
        customer_id     text        PRIMARY KEY,
        -- Sealed by checkout under the customer's customer-contact key,
        -- context { field: 'customer.email', subject: 'customer:<id>' }.
        sealed_email    text        NOT NULL,
        -- The order the e-mail came from: the newest order's e-mail is the one on file.
        email_order_id  uuid        NOT NULL,
        email_placed_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE customer_orders (
        order_id        uuid        PRIMARY KEY,
        customer_id     text        NOT NULL,
        placed_at       timestamptz NOT NULL,
        policy_version  text        NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX customer_orders_customer ON customer_orders (customer_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE subject_requests (
        request_id            uuid        PRIMARY KEY,
        kind                  text        NOT NULL CHECK (kind IN ('access', 'erasure')),
        -- As the requester claimed it; whether it matched is never shown to them.
        customer_id           text        NOT NULL,
        received_at           timestamptz NOT NULL,
        status                text        NOT NULL CHECK (status IN (
                                'awaiting-identity', 'identity-refused', 'gathering',
                                'erasing', 'completed')),
        -- SHA-256 of request id and code; NULL when no code was sent (no match) and once purged.
        code_hash             bytea,
        code_expires_at       timestamptz NOT NULL,
        -- Whether a code was mailed (the hourly limit counts these, locked or not).
        code_sent             boolean     NOT NULL,
        code_attempts         integer     NOT NULL DEFAULT 0 CHECK (code_attempts >= 0),
        identity_verified_at  timestamptz,
        -- Stamped on arrival, restamped from the day identity was proven (the clock's pause).
        due_on                date        NOT NULL,
        answer_by             timestamptz,
        chase_count           integer     NOT NULL DEFAULT 0,
        missing_services      text[]      NOT NULL DEFAULT '{}',
        completed_at          timestamptz,
        -- The customer's link: SHA-256 of an unguessable token, never the token.
        link_token_hash       bytea       UNIQUE,
        link_expires_at       timestamptz,
        keys_destroyed        jsonb
      )`);
    await queryRunner.query(
      `CREATE INDEX subject_requests_customer ON subject_requests (customer_id, received_at)`,
    );
    await queryRunner.query(`CREATE INDEX subject_requests_status ON subject_requests (status)`);

    await queryRunner.query(`
      CREATE TABLE access_fragments (
        request_id      uuid        NOT NULL REFERENCES subject_requests ON DELETE CASCADE,
        service         text        NOT NULL,
        sealed_fragment text        NOT NULL,
        record_count    integer     NOT NULL,
        answered_at     timestamptz NOT NULL,
        PRIMARY KEY (request_id, service)
      )`);
    await queryRunner.query(`
      CREATE TABLE access_packages (
        request_id      uuid        PRIMARY KEY REFERENCES subject_requests ON DELETE CASCADE,
        sealed_json     text        NOT NULL,
        sealed_html     text        NOT NULL,
        created_at      timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE erasure_answers (
        request_id      uuid        NOT NULL REFERENCES subject_requests ON DELETE CASCADE,
        service         text        NOT NULL,
        stores          jsonb       NOT NULL,
        completed_at    timestamptz NOT NULL,
        PRIMARY KEY (request_id, service)
      )`);
    await queryRunner.query(`
      CREATE TABLE erasure_receipts (
        request_id      uuid        PRIMARY KEY REFERENCES subject_requests ON DELETE CASCADE,
        -- The exact bytes signed, so verification never re-serialises.
        document        text        NOT NULL,
        signature       text        NOT NULL,
        signing_key_id  text        NOT NULL,
        issued_at       timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE erasure_receipts`);
    await queryRunner.query(`DROP TABLE erasure_answers`);
    await queryRunner.query(`DROP TABLE access_packages`);
    await queryRunner.query(`DROP TABLE access_fragments`);
    await queryRunner.query(`DROP TABLE subject_requests`);
    await queryRunner.query(`DROP TABLE customer_orders`);
    await queryRunner.query(`DROP TABLE customer_directory`);
  }
}
