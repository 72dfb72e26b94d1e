import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `'pending', 'handed_over', 'dispatched', 'delivered', 'failed'`;

/**
 * Fulfilment's tables. Only `sealed_addresses` holds personal data, and only sealed (a
 * `lumen:v1:` envelope under the customer's delivery-address key); its row is deleted as soon
 * as the shipment has left `pending`. Shipments hold ids, the carrier's reference, status,
 * timestamps, parcel measures and a reason code: nothing about the person.
 */
export class CreateShipmentTables1764316800000 implements MigrationInterface {
  readonly name = 'CreateShipmentTables1764316800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // What fulfilment has heard about an order; a shipment starts when it was both placed and
    // paid, whichever event arrives first.
    await queryRunner.query(`
      CREATE TABLE order_intake (
        order_id              uuid        PRIMARY KEY,
        item_count            integer     CHECK (item_count > 0),
        placed_at             timestamptz,
        payment_confirmed_at  timestamptz,
        payment_failed_at     timestamptz,
        received_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE sealed_addresses (
        order_id        uuid        PRIMARY KEY REFERENCES order_intake (order_id),
        customer_id     uuid        NOT NULL,
        key_id          text        NOT NULL,
        sealed_address  text        NOT NULL CHECK (sealed_address LIKE 'lumen:v1:%'),
        received_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX sealed_addresses_key_id ON sealed_addresses (key_id)`);

    await queryRunner.query(`
      CREATE TABLE shipments (
        shipment_id          uuid        PRIMARY KEY,
        order_id             uuid        NOT NULL UNIQUE REFERENCES order_intake (order_id),
        shipment_reference   text        NOT NULL UNIQUE CHECK (shipment_reference ~ '^shp_[a-z2-7]{26}$'),
        carrier              text        NOT NULL,
        status               text        NOT NULL CHECK (status IN (${STATUSES})),
        carrier_shipment_id  text        CHECK (carrier_shipment_id ~ '^[A-Za-z0-9_-]{1,64}$'),
        reason_code          text        CHECK (reason_code ~ '^[a-z][a-z-]*$'),
        -- The parcel as planned; absent only on a shipment that could not be packed.
        weight_grams         integer     CHECK (weight_grams > 0),
        length_mm            integer     CHECK (length_mm > 0),
        width_mm             integer     CHECK (width_mm > 0),
        height_mm            integer     CHECK (height_mm > 0),
        item_count           integer     NOT NULL CHECK (item_count > 0),
        handover_attempts    integer     NOT NULL DEFAULT 0,
        next_attempt_at      timestamptz NOT NULL DEFAULT now(),
        lease_until          timestamptz,
        created_at           timestamptz NOT NULL DEFAULT now(),
        handed_over_at       timestamptz,
        dispatched_at        timestamptz,
        delivered_at         timestamptz,
        failed_at            timestamptz,
        CONSTRAINT shipments_reference_once_handed_over CHECK (
          status IN ('pending', 'failed') OR carrier_shipment_id IS NOT NULL),
        CONSTRAINT shipments_parcel_unless_failed CHECK (status = 'failed' OR (
          weight_grams IS NOT NULL AND length_mm IS NOT NULL AND width_mm IS NOT NULL
          AND height_mm IS NOT NULL)),
        CONSTRAINT shipments_reason_when_failed CHECK (
          (status = 'failed') = (reason_code IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE INDEX shipments_due ON shipments (next_attempt_at) WHERE status = 'pending'`);
    // Wake the handover worker when a transaction that created a shipment commits (NOTIFY is
    // delivered on commit only); polling stays as the safety net.
    await queryRunner.query(`
      CREATE FUNCTION shipments_notify_pending() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('lumen_fulfilment_handover_' || current_schema(), '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER shipments_notify_pending AFTER INSERT ON shipments
      FOR EACH STATEMENT EXECUTE FUNCTION shipments_notify_pending()`);

    // Tracking events applied, by the carrier's event id: a carrier retrying a callback is
    // answered as before and changes nothing.
    await queryRunner.query(`
      CREATE TABLE tracking_events (
        event_id      text        PRIMARY KEY,
        shipment_id   uuid        NOT NULL REFERENCES shipments (shipment_id),
        status        text        NOT NULL CHECK (status IN ('dispatched', 'delivered')),
        occurred_at   timestamptz NOT NULL,
        received_at   timestamptz NOT NULL DEFAULT now()
      )`);
    // Callback message ids accepted, so a replay is refused across restarts and replicas, not
    // only by the in-memory cache of the process that saw the original. Kept past the
    // signature's freshness window, then pruned.
    await queryRunner.query(`
      CREATE TABLE callback_messages (
        key_id       text        NOT NULL,
        message_id   text        NOT NULL,
        received_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key_id, message_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX callback_messages_received_at ON callback_messages (received_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE callback_messages`);
    await queryRunner.query(`DROP TABLE tracking_events`);
    await queryRunner.query(`DROP TRIGGER shipments_notify_pending ON shipments`);
    await queryRunner.query(`DROP FUNCTION shipments_notify_pending()`);
    await queryRunner.query(`DROP TABLE shipments`);
    await queryRunner.query(`DROP TABLE sealed_addresses`);
    await queryRunner.query(`DROP TABLE order_intake`);
  }
}
