import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';

export const gatewayNotificationSchema = z.object({
  notificationId: z.string().min(1).max(100),
  type: z.string().min(1).max(100),
  merchantReference: z.string().min(1).max(100),
});

/**
 * Records a verified gateway notification once, by its notification id: a duplicate
 * delivery changes nothing. Notifications never move money; the synchronous answers do.
 */
@Injectable()
export class RecordGatewayNotification {
  constructor(private readonly dataSource: DataSource) {}

  async execute(input: unknown): Promise<'recorded' | 'duplicate' | 'invalid'> {
    const parsed = gatewayNotificationSchema.safeParse(input);
    if (!parsed.success) return 'invalid';
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO gateway_notifications (notification_id, order_id, type) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING notification_id`,
      [parsed.data.notificationId, parsed.data.merchantReference, parsed.data.type],
    );
    return rows.length === 1 ? 'recorded' : 'duplicate';
  }
}
