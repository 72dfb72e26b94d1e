import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeriodicReadingProvider } from '#lumen/metrics';
import { privacyMetrics } from './privacy.metrics';

/**
 * Privacy requests live in `subject_requests` (the subject-rights work): `kind` is access or
 * erasure, `due_on` the last day to answer (restamped from the day identity is proven, the
 * legal clock's pause), and a request is being worked on, so its clock runs, while `gathering`
 * or `erasing`. Until that table exists the deadline gauges stay empty and
 * `lumen_privacy_request_tracking_available` is 0, which the dashboards show as such.
 */
const PRIVACY_REQUESTS_TABLE = 'subject_requests';
const REQUEST_KINDS = ['access', 'erasure'] as const;

/** Keeps live data-key counts and privacy-request deadlines current, every few seconds. */
@Injectable()
export class PrivacyFiguresReading extends PeriodicReadingProvider {
  constructor(private readonly dataSource: DataSource) {
    super('privacy figures');
  }

  /** `now` is the reading's clock: the tests set it to a summer night. */
  override async read(now: Date = new Date()): Promise<void> {
    const keys = await this.dataSource.query<{ purpose: string; keys: number }[]>(
      'SELECT purpose, count(*)::int AS keys FROM data_keys WHERE destroyed_at IS NULL GROUP BY purpose',
    );
    privacyMetrics.liveKeys.reset();
    for (const row of keys) privacyMetrics.liveKeys.set({ purpose: row.purpose }, row.keys);
    await this.readDeadlines(now);
  }

  private async readDeadlines(now: Date): Promise<void> {
    const [table] = await this.dataSource.query<{ found: string | null }[]>(
      'SELECT to_regclass($1)::text AS found',
      [PRIVACY_REQUESTS_TABLE],
    );
    const tracked = table?.found != null;
    privacyMetrics.privacyRequestTracking.set(tracked ? 1 : 0);
    if (!tracked) return;
    // A request is due by the end of its `due_on` day. That day is a London calendar date
    // (responseDueDate), so the day ends at London midnight: 23:00 UTC while summer time runs.
    const rows = await this.dataSource.query<
      { kind: string; open: number; overdue: number; nearest: number }[]
    >(
      `SELECT kind, count(*)::int AS open,
              count(*) FILTER (WHERE deadline < $1)::int AS overdue,
              EXTRACT(EPOCH FROM min(deadline) - $1)::float8 AS nearest
         FROM (SELECT kind, (due_on + 1)::timestamp AT TIME ZONE 'Europe/London' AS deadline
                 FROM ${PRIVACY_REQUESTS_TABLE}
                WHERE status IN ('gathering', 'erasing')) AS open_requests
        GROUP BY kind`,
      [now],
    );
    const byKind = new Map(rows.map((row) => [row.kind, row]));
    privacyMetrics.privacyRequestNearestDeadline.reset();
    for (const kind of REQUEST_KINDS) {
      const row = byKind.get(kind);
      privacyMetrics.privacyRequestsOpen.set({ kind }, row?.open ?? 0);
      privacyMetrics.privacyRequestsOverdue.set({ kind }, row?.overdue ?? 0);
      if (row) privacyMetrics.privacyRequestNearestDeadline.set({ kind }, row.nearest);
    }
  }
}
