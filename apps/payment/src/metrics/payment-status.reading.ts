import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { startPeriodicReading } from '#lumen/metrics';
import { paymentMetrics } from './payment.metrics';

const PAYMENT_STATUSES = ['authorising', 'authorised', 'confirmed', 'failed'] as const;

/** Keeps payment counts and the live card-token figures current, every few seconds. */
@Injectable()
export class PaymentStatusReading implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PaymentStatusReading.name);
  private stop: (() => Promise<void>) | undefined;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.stop = startPeriodicReading({
      read: () => this.read(),
      onError: (error) => {
        this.logger.debug(`payment figures not read: ${String(error)}`);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop?.();
  }

  async read(): Promise<void> {
    const [statuses, tokens] = await Promise.all([
      this.dataSource.query<{ status: string; payments: number }[]>(
        'SELECT status, count(*)::int AS payments FROM payments GROUP BY status',
      ),
      // Served by the card_token_keys_pending partial index.
      this.dataSource.query<{ live: number; oldest: number }[]>(
        `SELECT count(*)::int AS live,
                COALESCE(EXTRACT(EPOCH FROM now() - min(placed_at)), 0)::float8 AS oldest
           FROM card_token_keys WHERE destroyed_at IS NULL`,
      ),
    ]);
    const counts = new Map(statuses.map((row) => [row.status, row.payments]));
    for (const status of PAYMENT_STATUSES) {
      paymentMetrics.paymentsByStatus.set({ status }, counts.get(status) ?? 0);
    }
    paymentMetrics.cardTokensLive.set(tokens[0]?.live ?? 0);
    paymentMetrics.cardTokenOldestLiveAge.set(tokens[0]?.oldest ?? 0);
  }
}
