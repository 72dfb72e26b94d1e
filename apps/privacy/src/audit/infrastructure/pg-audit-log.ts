import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PersonalDataRead, Purpose, StaffRole } from '#lumen/staff-access';
import { AuditLog } from '../application/audit-log';
import { GENESIS_HASH, hashEntry, type AuditEntry } from '../domain/audit-chain';

interface AuditRow {
  seq: string;
  recorded_at: Date;
  reporter: string;
  principal_kind: 'staff' | 'service';
  principal_id: string;
  role: StaffRole | null;
  subject: string;
  fields: string[];
  purpose: Purpose | null;
  reference: string | null;
  outcome: 'granted' | 'refused';
  reason: string | null;
  prev_hash: Buffer;
  entry_hash: Buffer;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    recordedAt: row.recorded_at,
    reporter: row.reporter,
    principalKind: row.principal_kind,
    principalId: row.principal_id,
    role: row.role,
    subject: row.subject,
    fields: row.fields,
    purpose: row.purpose,
    reference: row.reference,
    outcome: row.outcome,
    reason: row.reason,
    prevHash: row.prev_hash,
    entryHash: row.entry_hash,
  };
}

/**
 * Appends under a transaction-scoped advisory lock, so entries get consecutive numbers and
 * each links to the one before, whatever the number of privacy instances.
 */
@Injectable()
export class PgAuditLog extends AuditLog {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async append(read: PersonalDataRead, reporter: string): Promise<AuditEntry> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit_log'))`);
      const last: { seq: string; entry_hash: Buffer }[] = await tx.query(
        `SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1`,
      );
      // Millisecond precision: what the hash covers must survive the round trip to PostgreSQL.
      const recordedAt = new Date(Date.now());
      const unhashed = {
        ...read,
        fields: [...read.fields],
        seq: last[0] === undefined ? 1 : Number(last[0].seq) + 1,
        recordedAt,
        reporter,
        prevHash: last[0]?.entry_hash ?? GENESIS_HASH,
      };
      const entry: AuditEntry = { ...unhashed, entryHash: hashEntry(unhashed) };
      await tx.query(
        `INSERT INTO audit_log (seq, recorded_at, reporter, principal_kind, principal_id, role,
           subject, fields, purpose, reference, outcome, reason, prev_hash, entry_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          entry.seq,
          entry.recordedAt,
          entry.reporter,
          entry.principalKind,
          entry.principalId,
          entry.role,
          entry.subject,
          entry.fields,
          entry.purpose,
          entry.reference,
          entry.outcome,
          entry.reason,
          entry.prevHash,
          entry.entryHash,
        ],
      );
      return entry;
    });
  }

  override async page(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map(toEntry);
  }

  override async entriesAbout(subject: string): Promise<AuditEntry[]> {
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT * FROM audit_log WHERE subject = $1 ORDER BY seq`,
      [subject],
    );
    return rows.map(toEntry);
  }

  override async lastReadByPrincipal(): Promise<Map<string, Date>> {
    const rows: { principal_id: string; last: Date }[] = await this.dataSource.query(
      `SELECT principal_id, max(recorded_at) AS last FROM audit_log
        WHERE outcome = 'granted' GROUP BY principal_id`,
    );
    return new Map(rows.map((row) => [row.principal_id, row.last]));
  }
}
