import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff accounts, the hash-chained audit log of personal-data reads, the disclosure register,
 * access-review sign-offs and the page-view statistics. The database keeps the promises that
 * matter: the audit log and sign-offs are never rewritten, a disclosure needs two different
 * approvers, and statistics hold counts only.
 */
export class CreateStaffAccessTables1764920000000 implements MigrationInterface {
  readonly name = 'CreateStaffAccessTables1764920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE staff_accounts (
        principal_id     text        PRIMARY KEY,
        login            text        NOT NULL UNIQUE,
        role             text        NOT NULL
          CHECK (role IN ('support', 'fulfilment', 'privacy-officer', 'operations')),
        password_hash    text        NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
        -- AES-GCM under the master key, bound to principal_id.
        totp_secret      bytea,
        totp_pending     bytea,
        totp_last_step   bigint,
        failed_attempts  integer     NOT NULL DEFAULT 0,
        locked_until     timestamptz,
        disabled_at      timestamptz,
        last_sign_in_at  timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE audit_log (
        seq             bigint      PRIMARY KEY CHECK (seq > 0),
        recorded_at     timestamptz NOT NULL,
        reporter        text        NOT NULL,
        principal_kind  text        NOT NULL CHECK (principal_kind IN ('staff', 'service')),
        principal_id    text        NOT NULL,
        role            text,
        subject         text        NOT NULL,
        fields          text[]      NOT NULL,
        purpose         text,
        reference       text,
        outcome         text        NOT NULL CHECK (outcome IN ('granted', 'refused')),
        reason          text,
        prev_hash       bytea       NOT NULL,
        entry_hash      bytea       NOT NULL UNIQUE
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_subject ON audit_log (subject, seq)`);
    await queryRunner.query(`CREATE INDEX audit_log_principal ON audit_log (principal_id, seq)`);
    await queryRunner.query(`
      CREATE FUNCTION refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION refuse_rewrite()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite()`);

    await queryRunner.query(`
      CREATE TABLE disclosures (
        disclosure_id       uuid        PRIMARY KEY,
        subject             text        NOT NULL,
        requesting_body     text        NOT NULL,
        legal_basis         text        NOT NULL,
        scope               text[]      NOT NULL CHECK (cardinality(scope) > 0),
        reference           text        NOT NULL,
        requested_by        text        NOT NULL,
        requested_at        timestamptz NOT NULL,
        first_approver      text,
        first_approved_at   timestamptz,
        second_approver     text,
        second_approved_at  timestamptz,
        exported_at         timestamptz,
        restricted_until    date,
        restriction_reason  text,
        CONSTRAINT disclosures_distinct_approvers CHECK (
          second_approver IS NULL OR (first_approver IS NOT NULL AND second_approver <> first_approver)),
        CONSTRAINT disclosures_export_needs_two CHECK (exported_at IS NULL OR second_approver IS NOT NULL),
        CONSTRAINT disclosures_restriction_has_reason CHECK (
          (restricted_until IS NULL) = (restriction_reason IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX disclosures_subject ON disclosures (subject)`);

    await queryRunner.query(`
      CREATE TABLE access_reviews (
        review_id       uuid        PRIMARY KEY,
        signed_off_by   text        NOT NULL,
        signed_off_at   timestamptz NOT NULL,
        report_sha256   text        NOT NULL,
        grants_total    integer     NOT NULL,
        grants_flagged  integer     NOT NULL,
        notes           text        NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TRIGGER access_reviews_append_only BEFORE UPDATE OR DELETE ON access_reviews
      FOR EACH ROW EXECUTE FUNCTION refuse_rewrite()`);

    // Counts only: one row per day and combination, never a row per visit, so nothing joins
    // two visits of the same visitor.
    await queryRunner.query(`
      CREATE TABLE page_view_counts (
        day       date    NOT NULL,
        path      text    NOT NULL,
        browser   text    NOT NULL,
        os        text    NOT NULL,
        network   text    NOT NULL,
        views     bigint  NOT NULL CHECK (views > 0),
        PRIMARY KEY (day, path, browser, os, network)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE page_view_counts`);
    await queryRunner.query(`DROP TABLE access_reviews`);
    await queryRunner.query(`DROP TABLE disclosures`);
    await queryRunner.query(`DROP TABLE audit_log`);
    await queryRunner.query(`DROP FUNCTION refuse_rewrite()`);
    await queryRunner.query(`DROP TABLE staff_accounts`);
  }
}
