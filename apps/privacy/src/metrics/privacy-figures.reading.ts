import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { startPeriodicReading } from '#lumen/metrics';
import { privacyMetrics } from './privacy.metrics';

/**
 * The table privacy requests are kept in, once the subject-rights work lands it: one row per
 * request with `kind`, `due_at` and `answered_at`. Until it exists the deadline gauges stay empty
 * and `lumen_privacy_request_tracking_available` is 0, which the dashboards show as such.
 */
const PRIVACY_REQUESTS_TABLE = 'privacy_requests';

/** Keeps live data-key counts and privacy-request deadlines current, every few seconds. */
@Injectable()
export class PrivacyFiguresReading implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PrivacyFiguresReading.name);
  private stop: (() => Promise<void>) | undefined;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.stop = startPeriodicReading({
      read: () => this.read(),
      onError: (error) => {
        this.logger.debug(`privacy figures not read: ${String(error)}`);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop?.();
  }

  async read(): Promise<void> {
    const keys = await this.dataSource.query<{ purpose: string; keys: number }[]>(
      'SELECT purpose, count(*)::int AS keys FROM data_keys WHERE destroyed_at IS NULL GROUP BY purpose',
    );
    privacyMetrics.liveKeys.reset();
    for (const row of keys) privacyMetrics.liveKeys.set({ purpose: row.purpose }, row.keys);
    await this.readDeadlines();
  }

  private async readDeadlines(): Promise<void> {
    const [table] = await this.dataSource.query<{ found: string | null }[]>(
      'SELECT to_regclass($1)::text AS found',
      [PRIVACY_REQUESTS_TABLE],
    );
    const tracked = table?.found != null;
    privacyMetrics.privacyRequestTracking.set(tracked ? 1 : 0);
    if (!tracked) return;
    const rows = await this.dataSource.query<
      { kind: string; open: number; overdue: number; nearest: number }[]
    >(
      `SELECT kind, count(*)::int AS open,
              count(*) FILTER (WHERE due_at < now())::int AS overdue,
              EXTRACT(EPOCH FROM min(due_at) - now())::float8 AS nearest
         FROM ${PRIVACY_REQUESTS_TABLE} WHERE answered_at IS NULL GROUP BY kind`,
    );
    privacyMetrics.privacyRequestsOpen.reset();
    privacyMetrics.privacyRequestsOverdue.reset();
    privacyMetrics.privacyRequestNearestDeadline.reset();
    for (const row of rows) {
      privacyMetrics.privacyRequestsOpen.set({ kind: row.kind }, row.open);
      privacyMetrics.privacyRequestsOverdue.set({ kind: row.kind }, row.overdue);
      privacyMetrics.privacyRequestNearestDeadline.set({ kind: row.kind }, row.nearest);
    }
  }
}
