import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { DataSource } from 'typeorm';
import type { MessagingLogger } from '../logger';
import { ConsumerLagReader } from './consumer-lag.reader';
import { messagingMetrics } from './messaging.metrics';

export interface MessagingMetricsCollectorOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly brokers: readonly string[];
  /** The service's data source; its search_path names the schema holding the outbox. */
  readonly dataSource: DataSource;
  readonly logger: MessagingLogger;
  readonly intervalMs?: number;
}

/**
 * Every few seconds, reads what only a query can tell: how many outbox rows wait and how old the
 * oldest is, and how far behind the group is on each partition. Gauges hold the last reading, so
 * a scrape never waits on PostgreSQL or Kafka.
 */
export class MessagingMetricsCollector {
  private readonly lagReader: ConsumerLagReader;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;

  constructor(private readonly options: MessagingMetricsCollectorOptions) {
    this.lagReader = new ConsumerLagReader(options.brokers);
    this.intervalMs = options.intervalMs ?? 5_000;
  }

  start(): void {
    if (this.timer) return;
    const tick = (): void => {
      this.reading ??= this.readOnce().finally(() => {
        this.reading = undefined;
      });
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    // Metrics must never keep a process alive that is otherwise done.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.reading;
    await this.lagReader.close();
  }

  /** One reading of both; exposed for tests. Failures are counted, never thrown. */
  readOnce(): Promise<void> {
    // Polling queries would otherwise each start a trace of their own.
    return context.with(suppressTracing(context.active()), async () => {
      await Promise.all([this.readOutbox(), this.readLag()]);
    });
  }

  private async readOutbox(): Promise<void> {
    try {
      const rows: { backlog: number; oldest: number }[] = await this.options.dataSource.query(
        `SELECT count(*)::int AS backlog,
                COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest
           FROM outbox WHERE published_at IS NULL`,
      );
      messagingMetrics.outboxBacklog.set(rows[0]?.backlog ?? 0);
      messagingMetrics.outboxOldestAge.set(rows[0]?.oldest ?? 0);
    } catch (error) {
      messagingMetrics.lagReadFailures.inc({ source: 'outbox' });
      this.options.logger.debug({ err: error }, 'could not read the outbox backlog');
    }
  }

  private async readLag(): Promise<void> {
    const { groupId, topics } = this.options;
    try {
      for (const { topic, partition, lag } of await this.lagReader.read(groupId, topics)) {
        messagingMetrics.consumerLag.set(
          { group: groupId, topic, partition: String(partition) },
          lag,
        );
      }
    } catch (error) {
      messagingMetrics.lagReadFailures.inc({ source: 'consumer-lag' });
      this.options.logger.debug({ err: error, groupId }, 'could not read consumer lag');
      await this.lagReader.close();
    }
  }
}
