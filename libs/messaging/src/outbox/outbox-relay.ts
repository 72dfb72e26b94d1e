import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { Client } from 'pg';
import { EVENT_HEADERS } from '#lumen/contracts';
import { assertIdentifier } from '#lumen/database';
import { backoffDelay, sleep, type BackoffPolicy } from '../backoff';
import type { MessageBroker, OutgoingMessage } from '../broker/message-broker';
import type { MessagingLogger } from '../logger';
import { contextFrom, startPublishSpan } from '../tracing/trace-context';
import { messagingMetrics } from '../metrics/messaging.metrics';

export interface OutboxRelayOptions {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly broker: MessageBroker;
  readonly logger: MessagingLogger;
  /** Rows sent per round trip to the broker. */
  readonly batchSize?: number;
  /** Longest wait between polls when no NOTIFY arrives (a safety net, not the trigger). */
  readonly pollIntervalMs?: number;
  /** How long a standby relay waits before asking for the leader lock again. */
  readonly standbyRetryMs?: number;
  /** Published rows are kept this long (for inspection), then deleted. */
  readonly publishedRetentionMs?: number;
  readonly backoff?: BackoffPolicy;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  value: Buffer;
  signature: Buffer;
  trace_context: Record<string, string>;
}

const CLEANUP_EVERY_MS = 60_000;

/**
 * Publishes a service's outbox to Kafka.
 *
 * Exactly one relay per service schema works at a time: it holds a PostgreSQL advisory
 * lock on its own connection, so if its process dies the lock goes with the connection and
 * a standby takes over. The leader sends rows in id order with an idempotent producer and
 * one request in flight, which keeps per-key order, and marks them published only after
 * the broker acknowledged them; a crash in between re-sends, and consumers' inboxes drop
 * the duplicate. Errors are retried with backoff for ever: nothing is ever given up on.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly standbyRetryMs: number;
  private readonly publishedRetentionMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly channel: string;
  private readonly lockKey: string;
  private stopping = new AbortController();
  private wake: (() => void) | undefined;
  /** Set by NOTIFY; checked before sleeping so a notification between polls is not lost. */
  private notified = false;
  private running: Promise<void> | undefined;
  private client: Client | undefined;
  private lastCleanup = 0;
  private leader = false;

  constructor(private readonly options: OutboxRelayOptions) {
    const schema = assertIdentifier(options.schema);
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.standbyRetryMs = options.standbyRetryMs ?? 1_000;
    this.publishedRetentionMs = options.publishedRetentionMs ?? 60 * 60 * 1000;
    this.backoff = options.backoff ?? { initialDelayMs: 200, maxDelayMs: 10_000 };
    this.channel = `lumen_outbox_${schema}`;
    this.lockKey = `lumen.outbox.${schema}`;
  }

  private isStopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** True while this relay holds the leader lock. */
  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.stopping = new AbortController();
    // The relay's own polling queries would otherwise each start a trace of their own.
    this.running = context.with(suppressTracing(context.active()), () => this.run());
  }

  /** Finishes the batch in flight, releases the lock and closes the connection. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.isStopped()) {
      try {
        const client = await this.connect();
        if (!(await this.tryLead(client))) {
          await sleep(this.standbyRetryMs, this.stopping.signal);
          continue;
        }
        failures = 0;
        while (!this.isStopped()) {
          this.notified = false;
          const sent = await this.publishBatch(client);
          if (sent < this.batchSize) {
            await this.cleanupIfDue(client);
            if (sent === 0) await this.waitForWork();
          }
        }
      } catch (error) {
        failures += 1;
        this.options.logger.warn(
          { err: error, schema: this.options.schema, attempt: failures },
          'outbox relay failed; retrying',
        );
        await this.disconnect();
        await sleep(backoffDelay(this.backoff, failures), this.stopping.signal);
      }
    }
    await this.disconnect();
  }

  private async connect(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client({
      connectionString: this.options.databaseUrl,
      application_name: `outbox-relay:${this.options.schema}`,
      options: `-c search_path=${this.options.schema}`,
    });
    client.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    // A dropped connection surfaces on the next query; this only keeps it from crashing.
    client.on('error', () => undefined);
    await client.connect();
    this.client = client;
    await client.query(`LISTEN ${this.channel}`);
    return client;
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.leader = false;
    // Closing the session releases the advisory lock with it.
    if (client) await client.end().catch(() => undefined);
  }

  private async tryLead(client: Client): Promise<boolean> {
    if (this.leader) return true;
    const result = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [this.lockKey],
    );
    this.leader = result.rows[0]?.locked === true;
    if (this.leader)
      this.options.logger.info({ schema: this.options.schema }, 'outbox relay leads');
    return this.leader;
  }

  private async publishBatch(client: Client): Promise<number> {
    const { rows } = await client.query<OutboxRow>(
      `SELECT id, topic, message_key, value, signature, trace_context
         FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [this.batchSize],
    );
    if (rows.length === 0) return 0;

    const spans = rows.map((row) => startPublishSpan(row.topic, contextFrom(row.trace_context)));
    const messages: OutgoingMessage[] = rows.map((row, index) => ({
      topic: row.topic,
      key: row.message_key,
      value: row.value,
      headers: {
        ...spans[index]?.headers,
        [EVENT_HEADERS.signature]: row.signature.toString('base64'),
      },
    }));
    try {
      await this.options.broker.send(messages);
    } finally {
      for (const { span } of spans) span.end();
    }
    await client.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [
      rows.map((row) => row.id),
    ]);
    for (const row of rows) messagingMetrics.eventsPublished.inc({ topic: row.topic });
    return rows.length;
  }

  private async cleanupIfDue(client: Client): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    await client.query(
      `DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)`,
      [this.publishedRetentionMs / 1000],
    );
  }

  private waitForWork(): Promise<void> {
    return new Promise((resolve) => {
      if (this.notified || this.isStopped()) {
        resolve();
        return;
      }
      const timer = setTimeout(done, this.pollIntervalMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
