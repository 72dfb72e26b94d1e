import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TrackingLog } from '../application/tracking-log';
import { updatedRows } from './updated-rows';

@Injectable()
export class TypeOrmTrackingLog extends TrackingLog {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async recordMessage(
    tx: EntityManager,
    keyId: string,
    messageId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO callback_messages (key_id, message_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [keyId, messageId],
    );
    return rows.length === 1;
  }

  override async recordEvent(
    tx: EntityManager,
    event: {
      readonly eventId: string;
      readonly shipmentId: string;
      readonly status: 'dispatched' | 'delivered';
      readonly occurredAt: Date;
    },
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO tracking_events (event_id, shipment_id, status, occurred_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING event_id`,
      [event.eventId, event.shipmentId, event.status, event.occurredAt],
    );
    return rows.length === 1;
  }

  override async pruneMessages(before: Date): Promise<number> {
    const rows = updatedRows(
      await this.dataSource.query(
        'DELETE FROM callback_messages WHERE received_at < $1 RETURNING message_id',
        [before],
      ),
    );
    return rows.length;
  }
}
