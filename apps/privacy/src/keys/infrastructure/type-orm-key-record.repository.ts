import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { KeyRecordRepository } from '../application/key-record.repository';
import type { KeyRecord } from '../domain/key-record';
import { DataKeyEntity } from './data-key.entity';

function toRecord(row: DataKeyEntity): KeyRecord {
  return {
    keyId: row.keyId,
    subject: row.subject,
    purpose: row.purpose,
    allowedServices: row.allowedServices,
    createdBy: row.createdBy,
    wrappedKey: row.wrappedKey,
    masterKeyId: row.masterKeyId,
    createdAt: row.createdAt,
    destroyedAt: row.destroyedAt,
    destroyReason: row.destroyReason,
  };
}

/** Every column under its KeyRecord name: rows come back ready for `toRecord`. */
const RECORD_COLUMNS = `key_id AS "keyId", subject, purpose, allowed_services AS "allowedServices",
  created_by AS "createdBy", wrapped_key AS "wrappedKey", master_key_id AS "masterKeyId",
  created_at AS "createdAt", destroyed_at AS "destroyedAt", destroy_reason AS "destroyReason"`;

/**
 * Reads are plain SQL rather than TypeORM's query builder: they run on every key request
 * (several per order), and building and hydrating through the builder cost more CPU than
 * the query itself.
 */
@Injectable()
export class TypeOrmKeyRecordRepository extends KeyRecordRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async insertIfNoLiveKey(tx: EntityManager, record: KeyRecord): Promise<boolean> {
    // The partial unique index (subject, purpose) WHERE destroyed_at IS NULL decides races.
    const rows: unknown[] = await tx.query(
      `INSERT INTO data_keys
         (key_id, subject, purpose, allowed_services, created_by, wrapped_key, master_key_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (subject, purpose) WHERE destroyed_at IS NULL DO NOTHING
       RETURNING key_id`,
      [
        record.keyId,
        record.subject,
        record.purpose,
        record.allowedServices,
        record.createdBy,
        record.wrappedKey,
        record.masterKeyId,
        record.createdAt,
      ],
    );
    return rows.length === 1;
  }

  async findLive(
    tx: EntityManager,
    subject: string,
    purpose: string,
  ): Promise<KeyRecord | undefined> {
    const rows: DataKeyEntity[] = await tx.query(
      `SELECT ${RECORD_COLUMNS} FROM data_keys
       WHERE subject = $1 AND purpose = $2 AND destroyed_at IS NULL`,
      [subject, purpose],
    );
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async findById(
    keyId: string,
    options?: { readonly tx: EntityManager; readonly lock: boolean },
  ): Promise<KeyRecord | undefined> {
    const manager = options?.tx ?? this.dataSource.manager;
    const rows: DataKeyEntity[] = await manager.query(
      `SELECT ${RECORD_COLUMNS} FROM data_keys WHERE key_id = $1${options?.lock ? ' FOR UPDATE' : ''}`,
      [keyId],
    );
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async findBySubjects(
    subjects: readonly string[],
    subjectPrefixes: readonly string[],
  ): Promise<KeyRecord[]> {
    if (subjects.length === 0 && subjectPrefixes.length === 0) return [];
    // Prefixes are matched with starts_with, not LIKE, so a '%' or '_' in an id is literal.
    const rows: DataKeyEntity[] = await this.dataSource.query(
      `SELECT ${RECORD_COLUMNS}
       FROM data_keys
       WHERE subject = ANY($1::text[])
          OR EXISTS (SELECT 1 FROM unnest($2::text[]) AS p(prefix) WHERE starts_with(subject, p.prefix))
       ORDER BY created_at, key_id`,
      [[...subjects], [...subjectPrefixes]],
    );
    return rows.map(toRecord);
  }

  async markDestroyed(tx: EntityManager, keyId: string, reason: string, at: Date): Promise<void> {
    // NULL, not zeros: nothing of the key is left in the live row. Old row versions are
    // unreadable without the master key and go at the next VACUUM (apps/privacy/README.md).
    await tx.query(
      `UPDATE data_keys SET wrapped_key = NULL, destroyed_at = $2, destroy_reason = $3
       WHERE key_id = $1 AND destroyed_at IS NULL`,
      [keyId, at, reason],
    );
  }
}
