import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  IdempotencyRecordRepository,
  type IdempotencyRecord,
} from '../application/idempotency-record.repository';
import type { PlacedOrderAnswer } from '../application/place-order.command';

interface RecordRow {
  storefront_id: string;
  idempotency_key: string;
  request_fingerprint: Buffer;
  order_id: string;
  response_status: number;
  response_body: PlacedOrderAnswer;
}

@Injectable()
export class TypeOrmIdempotencyRecordRepository extends IdempotencyRecordRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async find(storefrontId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const rows: RecordRow[] = await this.dataSource.query(
      `SELECT storefront_id, idempotency_key, request_fingerprint, order_id, response_status,
         response_body
       FROM idempotency_keys WHERE storefront_id = $1 AND idempotency_key = $2`,
      [storefrontId, key],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      storefrontId: row.storefront_id,
      idempotencyKey: row.idempotency_key,
      requestFingerprint: row.request_fingerprint,
      orderId: row.order_id,
      responseStatus: row.response_status,
      answer: row.response_body,
    };
  }

  async claim(tx: EntityManager, record: IdempotencyRecord): Promise<boolean> {
    // ON CONFLICT waits for a concurrent holder of the key to commit or roll back, then decides.
    const rows: unknown[] = await tx.query(
      `INSERT INTO idempotency_keys (storefront_id, idempotency_key, request_fingerprint, order_id,
         response_status, response_body)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (storefront_id, idempotency_key) DO NOTHING
       RETURNING idempotency_key`,
      [
        record.storefrontId,
        record.idempotencyKey,
        record.requestFingerprint,
        record.orderId,
        record.responseStatus,
        JSON.stringify(record.answer),
      ],
    );
    return rows.length === 1;
  }
}
