import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CardTokenKeyRepository,
  type CardTokenKeyRecord,
  type DestructionTrigger,
} from '../application/card-token-key.repository';

interface KeyRow {
  order_id: string;
  key_id: string;
  placed_at: Date;
  expires_at: Date;
  trigger: DestructionTrigger | null;
  outcome_at: Date | null;
  destroyed_at: Date | null;
}

@Injectable()
export class TypeOrmCardTokenKeyRepository extends CardTokenKeyRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async schedule(orderId: string, keyId: string, placedAt: Date, expiresAt: Date) {
    await this.dataSource.query(
      `INSERT INTO card_token_keys (order_id, key_id, placed_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (order_id) DO NOTHING`,
      [orderId, keyId, placedAt, expiresAt],
    );
  }

  override async markOutcome(
    tx: EntityManager,
    orderId: string,
    trigger: 'confirmed' | 'failed',
    at: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE card_token_keys SET trigger = $2, outcome_at = $3 WHERE order_id = $1 AND destroyed_at IS NULL`,
      [orderId, trigger, at],
    );
  }

  override async findForUpdate(
    tx: EntityManager,
    orderId: string,
  ): Promise<CardTokenKeyRecord | undefined> {
    const rows: KeyRow[] = await tx.query(
      `SELECT order_id, key_id, placed_at, expires_at, trigger, outcome_at, destroyed_at
       FROM card_token_keys WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    const row = rows[0];
    return row
      ? {
          orderId: row.order_id,
          keyId: row.key_id,
          placedAt: row.placed_at,
          expiresAt: row.expires_at,
          trigger: row.trigger,
          outcomeAt: row.outcome_at,
          destroyedAt: row.destroyed_at,
        }
      : undefined;
  }

  override async markDestroyed(
    tx: EntityManager,
    orderId: string,
    trigger: DestructionTrigger,
    destroyedAt: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE card_token_keys SET trigger = $2, destroyed_at = $3, attempts = attempts + 1, last_error = NULL
       WHERE order_id = $1`,
      [orderId, trigger, destroyedAt],
    );
  }

  override async recordFailure(orderId: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE card_token_keys SET attempts = attempts + 1, last_error = left($2, 500) WHERE order_id = $1`,
      [orderId, error],
    );
  }

  /** Fewest attempts first, so keys that keep failing never starve the others. */
  override async due(now: Date, limit: number): Promise<string[]> {
    const rows: { order_id: string }[] = await this.dataSource.query(
      `SELECT order_id FROM card_token_keys
       WHERE destroyed_at IS NULL AND (outcome_at IS NOT NULL OR expires_at <= $1)
       ORDER BY attempts, coalesce(outcome_at, expires_at) LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => row.order_id);
  }
}
