import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../audit/application/audit-log';
import { KEY_PURPOSES } from '../../keys/domain/key-purpose';
import { StaffAccountRepository } from '../../staff/application/staff-account.repository';
import type { Grant } from '../domain/access-review';
import { AccessReviewLog, GrantSources, type SignOff } from '../application/grant-sources';

/** Schemas holding personal or payment data, by what they hold. */
const SCHEMA_DATA: Record<string, 'personal' | 'payment'> = {
  checkout: 'personal',
  fulfilment: 'personal',
  privacy: 'personal',
  payment: 'payment',
};

@Injectable()
export class PgGrantSources extends GrantSources {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: StaffAccountRepository,
    private readonly audit: AuditLog,
  ) {
    super();
  }

  /** Every staff role except operations reaches personal data; use is the last granted read. */
  override async staffGrants(): Promise<Grant[]> {
    const [accounts, lastReads] = await Promise.all([
      this.accounts.list(),
      this.audit.lastReadByPrincipal(),
    ]);
    return accounts
      .filter((a) => a.role !== 'operations' && a.disabledAt === null)
      .map((a) => ({
        kind: 'staff-role' as const,
        principal: a.principalId,
        grant: `role:${a.role}`,
        dataCategory: 'personal' as const,
        grantedAt: a.createdAt,
        lastUsedAt: lastReads.get(a.principalId) ?? null,
        usageTracked: true,
      }));
  }

  /** The key purposes each service may be given; use is its last granted key fetch. */
  override async serviceKeyGrants(): Promise<Grant[]> {
    const rows: { caller: string; purpose: string; last: Date }[] = await this.dataSource.query(
      `SELECT a.caller, k.purpose, max(a.occurred_at) AS last
         FROM key_audit a JOIN data_keys k ON k.key_id = a.key_id
        WHERE a.outcome = 'granted' GROUP BY a.caller, k.purpose`,
    );
    const last = new Map(rows.map((r) => [`${r.caller} ${r.purpose}`, r.last]));
    const [first] = await this.dataSource.query<{ since: Date | null }[]>(
      `SELECT min(created_at) AS since FROM data_keys`,
    );
    return Object.entries(KEY_PURPOSES).flatMap(([purpose, rule]) =>
      rule.permittedServices.map((service) => ({
        kind: 'service-key-permission' as const,
        principal: service,
        grant: `key:${purpose}`,
        dataCategory: purpose === 'card-token' ? ('payment' as const) : ('personal' as const),
        grantedAt: first?.since ?? null,
        lastUsedAt: last.get(`${service} ${purpose}`) ?? null,
        usageTracked: true,
      })),
    );
  }

  /**
   * Every database role with USAGE on a data schema, read from PostgreSQL's own catalogue (so a
   * hand-made grant shows). PostgreSQL records no last use per grant: a role connected now is
   * reported as used now, otherwise use is marked untracked rather than guessed.
   */
  override async databaseGrants(): Promise<Grant[]> {
    const schemas = Object.keys(SCHEMA_DATA);
    const rows: { role: string; schema: string; connected: boolean }[] =
      await this.dataSource.query(
        `SELECT r.rolname AS role, s.nspname AS schema,
              EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.usename = r.rolname) AS connected
         FROM pg_roles r CROSS JOIN pg_namespace s
        WHERE s.nspname = ANY($1) AND r.rolcanlogin AND NOT r.rolsuper
          AND has_schema_privilege(r.oid, s.oid, 'USAGE')
        ORDER BY s.nspname, r.rolname`,
        [schemas],
      );
    const now = new Date();
    return rows.map((r) => ({
      kind: 'database-role' as const,
      principal: r.role,
      grant: `schema:${r.schema}`,
      dataCategory: SCHEMA_DATA[r.schema] ?? 'personal',
      grantedAt: null,
      lastUsedAt: r.connected ? now : null,
      usageTracked: r.connected,
    }));
  }
}

@Injectable()
export class PgAccessReviewLog extends AccessReviewLog {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async record(s: SignOff): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO access_reviews (review_id, signed_off_by, signed_off_at, report_sha256,
         grants_total, grants_flagged, notes) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        s.reviewId,
        s.signedOffBy,
        s.signedOffAt,
        s.reportSha256,
        s.grantsTotal,
        s.grantsFlagged,
        s.notes,
      ],
    );
  }

  override async latest(): Promise<SignOff | undefined> {
    const rows: {
      review_id: string;
      signed_off_by: string;
      signed_off_at: Date;
      report_sha256: string;
      grants_total: number;
      grants_flagged: number;
      notes: string;
    }[] = await this.dataSource.query(
      `SELECT * FROM access_reviews ORDER BY signed_off_at DESC LIMIT 1`,
    );
    const r = rows[0];
    return r === undefined
      ? undefined
      : {
          reviewId: r.review_id,
          signedOffBy: r.signed_off_by,
          signedOffAt: r.signed_off_at,
          reportSha256: r.report_sha256,
          grantsTotal: r.grants_total,
          grantsFlagged: r.grants_flagged,
          notes: r.notes,
        };
  }
}
