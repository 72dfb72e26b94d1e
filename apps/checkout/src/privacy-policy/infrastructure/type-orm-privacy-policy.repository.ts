import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PrivacyPolicyRepository } from '../application/privacy-policy.repository';
import type { PrivacyPolicy } from '../domain/privacy-policy';

interface PolicyRow {
  version: string;
  body: string;
  sha256: string;
  published_at: Date;
}

function toPolicy(row: PolicyRow | undefined): PrivacyPolicy | undefined {
  return row === undefined
    ? undefined
    : { version: row.version, text: row.body, sha256: row.sha256, publishedAt: row.published_at };
}

@Injectable()
export class TypeOrmPrivacyPolicyRepository extends PrivacyPolicyRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async findCurrent(): Promise<PrivacyPolicy | undefined> {
    const rows: PolicyRow[] = await this.dataSource.query(
      `SELECT version, body, sha256, published_at FROM privacy_policies
       WHERE published_at <= now() ORDER BY published_at DESC, version DESC LIMIT 1`,
    );
    return toPolicy(rows[0]);
  }

  async findByVersion(version: string): Promise<PrivacyPolicy | undefined> {
    const rows: PolicyRow[] = await this.dataSource.query(
      `SELECT version, body, sha256, published_at FROM privacy_policies WHERE version = $1`,
      [version],
    );
    return toPolicy(rows[0]);
  }
}
