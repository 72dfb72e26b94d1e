import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export const FIRST_POLICY_VERSION = '2026-11-25';
const FILE = `privacy-policy.${FIRST_POLICY_VERSION}.txt`;
/** The text as published; if the committed copy ever changes, this migration refuses to run. */
const SHA256 = 'f97afb543d96929047cde98d2b90f726d47eba65eda91768bbe29d5d27d17505';

/**
 * The seed text lives beside the sources (`database/seed/`); the compiled migration in `dist/`
 * finds it at the same place in the source tree, because tsc copies no text files.
 */
export function readSeedPolicy(): string {
  const beside = join(__dirname, '..', 'seed', FILE);
  const candidates = [beside, beside.replace(`${sep}dist${sep}`, sep)];
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`Privacy policy seed ${FILE} not found`);
  const text = readFileSync(found, 'utf8');
  const digest = createHash('sha256').update(text, 'utf8').digest('hex');
  if (digest !== SHA256) {
    throw new Error(
      `${FILE} differs from the published text (sha256 ${digest}); publish a new version instead`,
    );
  }
  return text;
}

/** Publishes the shop's first privacy policy, the one every order so far accepted. */
export class SeedPrivacyPolicy1764230400001 implements MigrationInterface {
  readonly name = 'SeedPrivacyPolicy1764230400001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO privacy_policies (version, body, sha256, published_at) VALUES ($1, $2, $3, $4)`,
      [FIRST_POLICY_VERSION, readSeedPolicy(), SHA256, '2026-11-25T00:00:00Z'],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The append-only trigger guards against accidents; a rollback disables it on purpose.
    await queryRunner.query(
      `ALTER TABLE privacy_policies DISABLE TRIGGER privacy_policies_append_only`,
    );
    await queryRunner.query(`DELETE FROM privacy_policies WHERE version = $1`, [
      FIRST_POLICY_VERSION,
    ]);
    await queryRunner.query(
      `ALTER TABLE privacy_policies ENABLE TRIGGER privacy_policies_append_only`,
    );
  }
}
