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
}
