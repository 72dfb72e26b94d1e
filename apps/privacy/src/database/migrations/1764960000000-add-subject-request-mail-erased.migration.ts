import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many kept copies of mail an erasure deleted, recorded before the customer's keys are
 * destroyed. The address can only be opened while the contact key lives, so a run that resumes
 * after the keys went could otherwise neither find the mail nor say what an earlier run deleted.
 */
export class AddSubjectRequestMailErased1764960000000 implements MigrationInterface {
  readonly name = 'AddSubjectRequestMailErased1764960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE subject_requests ADD COLUMN mail_erased integer CHECK (mail_erased >= 0)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE subject_requests DROP COLUMN mail_erased`);
  }
}
