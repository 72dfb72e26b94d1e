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
  /**
   * Versions found so far. A published policy never changes (a trigger refuses updates and
   * deletes), so one read per version is enough, instead of one per order placed. Only found
   * versions are kept: the set is as small as the policies table, whatever callers send.
   */
  private readonly byVersion = new Map<string, PrivacyPolicy>();

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
    const known = this.byVersion.get(version);
    if (known) return known;
    const rows: PolicyRow[] = await this.dataSource.query(
      `SELECT version, body, sha256, published_at FROM privacy_policies WHERE version = $1`,
      [version],
    );
    const policy = toPolicy(rows[0]);
    if (policy) this.byVersion.set(version, policy);
    return policy;
  }
}
