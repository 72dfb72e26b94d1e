import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payment schema. `payments` holds only what the policy allows: order id, gateway
 * reference, amount, currency, status, reason code and timestamps; never the card token.
 * `card_token_keys` holds the *id* of the data key each order's token is sealed under (not
 * the key, not the token) so the key is destroyed when the payment ends, or by the backstop.
 */
export class CreatePaymentTables1764230400000 implements MigrationInterface {
  readonly name = 'CreatePaymentTables1764230400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payments (
        order_id           uuid        PRIMARY KEY,
        gateway_reference  text,
        amount_minor       bigint      NOT NULL CHECK (amount_minor > 0),
        currency           char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status             text        NOT NULL
          CHECK (status IN ('authorising', 'authorised', 'confirmed', 'failed')),
        reason_code        text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payments_reason_only_when_failed CHECK ((status = 'failed') = (reason_code IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE card_token_keys (
        order_id      uuid        PRIMARY KEY,
        key_id        text        NOT NULL,
        placed_at     timestamptz NOT NULL,
        expires_at    timestamptz NOT NULL,
        trigger       text        CHECK (trigger IN ('confirmed', 'failed', 'expired')),
        outcome_at    timestamptz,
        destroyed_at  timestamptz,
        attempts      integer     NOT NULL DEFAULT 0,
        last_error    text
      )`);
    await queryRunner.query(`
      CREATE INDEX card_token_keys_pending ON card_token_keys (expires_at) WHERE destroyed_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE gateway_notifications (
        notification_id  text        PRIMARY KEY,
        order_id         text        NOT NULL,
        type             text        NOT NULL,
        received_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE gateway_refusals (
        id              bigserial   PRIMARY KEY,
        occurred_at     timestamptz NOT NULL DEFAULT now(),
        direction       text        NOT NULL CHECK (direction IN ('answer', 'notification')),
        reason          text        NOT NULL,
        claimed_key_id  text
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway_refusals`);
    await queryRunner.query(`DROP TABLE gateway_notifications`);
    await queryRunner.query(`DROP TABLE card_token_keys`);
    await queryRunner.query(`DROP TABLE payments`);
  }
}
