import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `'placed', 'payment_confirmed', 'payment_failed', 'shipped', 'delivered', 'cancelled'`;
const SEALED = `LIKE 'lumen:v1:%'`;

/**
 * Checkout's tables. The database keeps the promises that matter: one order per storefront and
 * idempotency key (the primary key decides races, not a prior lookup), personal fields only as
 * sealed values, money as integers, and policy texts that never change once published.
 */
export class CreateOrderTables1764230400000 implements MigrationInterface {
  readonly name = 'CreateOrderTables1764230400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE privacy_policies (
        version       text        PRIMARY KEY CHECK (version ~ '^[A-Za-z0-9._-]{1,32}$'),
        body          text        NOT NULL CHECK (length(body) > 0),
        sha256        text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        published_at  timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE FUNCTION privacy_policies_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a published privacy policy never changes; publish a new version';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER privacy_policies_append_only BEFORE UPDATE OR DELETE ON privacy_policies
      FOR EACH ROW EXECUTE FUNCTION privacy_policies_append_only()`);

    await queryRunner.query(`
      CREATE TABLE storefronts (
        storefront_id  text        PRIMARY KEY CHECK (storefront_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        display_name   text        NOT NULL,
        -- SHA-256 of the storefront's 256-bit random API key; the key itself is never stored.
        api_key_hash   bytea       NOT NULL UNIQUE CHECK (octet_length(api_key_hash) = 32),
        created_at     timestamptz NOT NULL DEFAULT now(),
        revoked_at     timestamptz
      )`);

    await queryRunner.query(`
      CREATE TABLE customers (
        customer_id  uuid        PRIMARY KEY,
        -- HMAC-SHA256 of the normalised e-mail under a secret from configuration: finds a
        -- returning customer without storing (or being able to test guesses of) the address.
        email_index  bytea       NOT NULL UNIQUE CHECK (octet_length(email_index) = 32),
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE orders (
        order_id          uuid        PRIMARY KEY,
        storefront_id     text        NOT NULL REFERENCES storefronts,
        customer_id       uuid        NOT NULL REFERENCES customers,
        status            text        NOT NULL CHECK (status IN (${STATUSES})),
        currency          text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        total_minor       bigint      NOT NULL CHECK (total_minor > 0),
        policy_version    text        NOT NULL REFERENCES privacy_policies,
        payment_gateway   text        NOT NULL,
        -- Sealed under the customer's data keys, bound to this order: never plaintext.
        customer_name     text        NOT NULL CHECK (customer_name ${SEALED}),
        customer_email    text        NOT NULL CHECK (customer_email ${SEALED}),
        customer_phone    text        NOT NULL CHECK (customer_phone ${SEALED}),
        delivery_address  text        NOT NULL CHECK (delivery_address ${SEALED}),
        placed_at         timestamptz NOT NULL,
        updated_at        timestamptz NOT NULL,
        revision          integer     NOT NULL DEFAULT 1 CHECK (revision > 0)
      )`);
    await queryRunner.query(`CREATE INDEX orders_customer ON orders (customer_id)`);
    await queryRunner.query(`CREATE INDEX orders_storefront ON orders (storefront_id, placed_at)`);

    await queryRunner.query(`
      CREATE TABLE order_items (
        order_id          uuid    NOT NULL REFERENCES orders ON DELETE CASCADE,
        line_no           integer NOT NULL CHECK (line_no >= 0),
        sku               text    NOT NULL,
        quantity          integer NOT NULL CHECK (quantity > 0),
        unit_price_minor  bigint  NOT NULL CHECK (unit_price_minor >= 0),
        PRIMARY KEY (order_id, line_no)
      )`);

    await queryRunner.query(`
      CREATE TABLE order_status_history (
        order_id     uuid        NOT NULL REFERENCES orders ON DELETE CASCADE,
        seq          integer     NOT NULL CHECK (seq > 0),
        status       text        NOT NULL CHECK (status IN (${STATUSES})),
        occurred_at  timestamptz NOT NULL,
        -- What moved the order: 'order placed', or the event that did (topic and event id).
        cause        text        NOT NULL,
        PRIMARY KEY (order_id, seq)
      )`);

    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        storefront_id        text        NOT NULL REFERENCES storefronts,
        idempotency_key      text        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
        -- HMAC of the request, so "same key, other body" is detectable without keeping the body.
        request_fingerprint  bytea       NOT NULL CHECK (octet_length(request_fingerprint) = 32),
        order_id             uuid        NOT NULL REFERENCES orders DEFERRABLE INITIALLY DEFERRED,
        response_status      smallint    NOT NULL,
        response_body        jsonb       NOT NULL,
        created_at           timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (storefront_id, idempotency_key)
      )`);
    await queryRunner.query(
      `CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE order_status_history`);
    await queryRunner.query(`DROP TABLE order_items`);
    await queryRunner.query(`DROP TABLE orders`);
    await queryRunner.query(`DROP TABLE customers`);
    await queryRunner.query(`DROP TABLE storefronts`);
    await queryRunner.query(`DROP TABLE privacy_policies`);
    await queryRunner.query(`DROP FUNCTION privacy_policies_append_only()`);
  }
}
