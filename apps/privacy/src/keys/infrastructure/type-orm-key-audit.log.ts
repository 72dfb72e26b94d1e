import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { KeyAuditLog, type KeyAuditEntry } from '../application/key-audit.log';

@Injectable()
export class TypeOrmKeyAuditLog extends KeyAuditLog {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async record(entry: KeyAuditEntry, tx?: EntityManager): Promise<void> {
    await (tx ?? this.dataSource.manager).query(
      `INSERT INTO key_audit (caller, caller_verified, key_id, action, outcome, reason)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [entry.caller, entry.callerVerified, entry.keyId, entry.action, entry.outcome, entry.reason],
    );
  }

  async recordAll(entries: readonly KeyAuditEntry[], tx: EntityManager): Promise<void> {
    if (entries.length === 0) return;
    // One row per entry from parallel arrays: one statement whatever the batch's size.
    await tx.query(
      `INSERT INTO key_audit (caller, caller_verified, key_id, action, outcome, reason)
       SELECT * FROM unnest($1::text[], $2::boolean[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      [
        entries.map((e) => e.caller),
        entries.map((e) => e.callerVerified),
        entries.map((e) => e.keyId),
        entries.map((e) => e.action),
        entries.map((e) => e.outcome),
        entries.map((e) => e.reason),
      ],
    );
  }
}
