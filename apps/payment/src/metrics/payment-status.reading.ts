import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeriodicReadingProvider, setStatusCounts } from '#lumen/metrics';
import { paymentMetrics } from './payment.metrics';

const PAYMENT_STATUSES = ['authorising', 'authorised', 'confirmed', 'failed'] as const;

/** Keeps payment counts and the live card-token figures current, every few seconds. */
@Injectable()
export class PaymentStatusReading extends PeriodicReadingProvider {
  constructor(private readonly dataSource: DataSource) {
    super('payment figures');
  }

  override async read(): Promise<void> {
    const [statuses, tokens] = await Promise.all([
      this.dataSource.query<{ status: string; count: number }[]>(
        'SELECT status, count(*)::int AS count FROM payments GROUP BY status',
      ),
      // Served by the card_token_keys_pending partial index.
      this.dataSource.query<{ live: number; oldest: number }[]>(
        `SELECT count(*)::int AS live,
                COALESCE(EXTRACT(EPOCH FROM now() - min(placed_at)), 0)::float8 AS oldest
           FROM card_token_keys WHERE destroyed_at IS NULL`,
      ),
    ]);
    setStatusCounts(paymentMetrics.paymentsByStatus, PAYMENT_STATUSES, statuses);
    paymentMetrics.cardTokensLive.set(tokens[0]?.live ?? 0);
    paymentMetrics.cardTokenOldestLiveAge.set(tokens[0]?.oldest ?? 0);
  }
}
