import type { DataSource, EntityManager } from 'typeorm';
import type { TopicCatalogue } from '#lumen/contracts';
import type { KeyRing } from '#lumen/crypto';
import { isTransientDatabaseError } from '#lumen/database';
import { backoffDelay, sleep, type BackoffPolicy } from '../backoff';
import type {
  BatchControl,
  BrokerConsumer,
  IncomingMessage,
  MessageBroker,
} from '../broker/message-broker';
import type { MessagingLogger } from '../logger';
import { withProcessSpan } from '../tracing/trace-context';
import { messagingMetrics } from '../metrics/messaging.metrics';
import { checkMessage } from './check-message';
import { deadLetterOf, type DeadLetterReason } from './dead-letter';
import {
  PermanentEventError,
  type EventHandler,
  type EventSubscription,
  type ReceivedEvent,
} from './received-event';

export interface EventConsumerOptions {
  /** Kafka consumer group, and the name under which the inbox records processed events. */
  readonly groupId: string;
  readonly catalogue: TopicCatalogue;
  readonly subscriptions: readonly EventSubscription[];
  readonly broker: MessageBroker;
  readonly keyRing: KeyRing;
  readonly dataSource: DataSource;
  readonly logger: MessagingLogger;
  /** Attempts for a failing handler before its event is dead-lettered. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  /**
   * Up to this many consecutive events of a partition are applied in one transaction (each
   * with its own inbox row); on any failure they are applied one at a time instead. Keep it
   * at 1 (the default) for handlers that call out to other systems, since a failed group is
   * replayed; raise it for handlers that only write to the database.
   */
  readonly maxEventsPerTransaction?: number;
  /** Partitions worked on at once. */
  readonly concurrency?: number;
  /**
   * How long the group waits for a member that stopped heartbeating before handing its
   * partitions on; default `DEFAULT_SESSION_TIMEOUT_MS`. The broker accepts 6 s and more.
   */
  readonly sessionTimeoutMs?: number;
  /** Called when the broker client gives up for good. Default: exit the process non-zero. */
  readonly onFatal?: (error: Error) => void;
}

/**
 * 10 s, not kafkajs' 30 s. A member killed without leaving its group (SIGKILL, OOM, a lost
 * node) keeps its partitions until its session times out, and its replacement's join waits
 * for that too: kafkajs can neither leave on the dead member's behalf nor rejoin under a
 * static `group.instance.id`. So this bounds how long a restarted service waits to consume
 * again. A live member heartbeats every 3 s while it works on a batch (`KafkaJsBroker`) and
 * after every fetch, which waits up to 5 s for data when there is none: it misses 10 s only
 * if its event loop stalls for 5 s or more. The price of a shorter timeout is a live member
 * evicted by a shorter stall: a rebalance, and the events in flight delivered again (the
 * inbox drops them). A graceful stop leaves the group at once and costs no wait.
 */
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;

type Outcome = 'applied' | 'duplicate' | 'dead-lettered' | 'abandoned';

interface AcceptedMessage {
  readonly ok: true;
  readonly message: IncomingMessage;
  readonly event: ReceivedEvent;
  readonly handle: EventHandler;
}
interface RefusedMessage {
  readonly ok: false;
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

/**
 * An idempotent Kafka consumer. For each message, in partition order: check it at the
 * edge (signature, owner, schema; failures are dead-lettered at once), then apply the
 * handler in one database transaction with the inbox row that marks the event processed,
 * so a redelivered event is applied once. A failing handler is retried with backoff, then
 * dead-lettered with the reason, and the partition keeps flowing. A database outage is not
 * the event's fault, nor is an outage of a service the handler calls (an error that marks
 * itself `transient`, as the key service client's does): those are retried without limit,
 * never dead-lettered. Offsets are
 * committed only after the effect (or the dead letter) is durable.
 */
export class EventConsumer {
  private readonly handlers: ReadonlyMap<string, EventHandler>;
  private readonly maxAttempts: number;
  private readonly maxEventsPerTransaction: number;
  private readonly backoff: BackoffPolicy;
  private consumer: BrokerConsumer | undefined;

  constructor(private readonly options: EventConsumerOptions) {
    this.handlers = new Map(options.subscriptions.map((s) => [s.topic, s.handle]));
    for (const topic of this.handlers.keys()) {
      if (!options.catalogue[topic])
        throw new Error(`Cannot subscribe to ${topic}: not in the catalogue`);
    }
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxEventsPerTransaction = Math.max(1, options.maxEventsPerTransaction ?? 1);
    this.backoff = options.backoff ?? { initialDelayMs: 200, maxDelayMs: 10_000 };
  }

  /**
   * Connects and joins the group; resolves once joined. Throws when the broker cannot be
   * reached, leaving the consumer stopped, so the caller may call `start()` again.
   */
  async start(): Promise<void> {
    if (this.consumer || this.handlers.size === 0) return;
    const { logger, groupId } = this.options;
    const consumer = this.options.broker.consumer({
      groupId,
      topics: [...this.handlers.keys()],
      concurrency: this.options.concurrency ?? 3,
      sessionTimeoutMs: this.options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      eachBatch: (messages, control) => this.processBatch(messages, control),
      onFatal:
        this.options.onFatal ??
        ((error) => {
          logger.error({ err: error, groupId }, 'consumer crashed for good; exiting');
          process.exit(1);
        }),
    });
    this.consumer = consumer;
    try {
      await consumer.start();
    } catch (error) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.stop().catch(() => undefined);
      throw error;
    }
  }

  /** True while it is a member of its group (see `BrokerConsumer.isMember`). */
  isMember(): boolean {
    return this.consumer?.isMember() ?? false;
  }

  /** Stops fetching and waits for the events in flight to finish (drain). */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  private async processBatch(
    messages: readonly IncomingMessage[],
    control: BatchControl,
  ): Promise<void> {
    let run: AcceptedMessage[] = [];
    for (const message of messages) {
      if (!control.isActive()) break; // revoked or stopping: the next owner redelivers the rest
      const checked = this.check(message);
      if (checked.ok) {
        run.push(checked);
        if (run.length < this.maxEventsPerTransaction) continue;
      }
      // Events are applied in order: the run before a refused message goes first.
      const completed = await this.applyRun(run, control);
      run = [];
      if (!completed) break;
      if (!checked.ok) {
        await this.deadLetter(message, checked.reason, checked.detail);
        control.resolve(message);
      }
    }
    if (run.length > 0 && control.isActive()) await this.applyRun(run, control);
    await control.commit();
  }

  private check(message: IncomingMessage): AcceptedMessage | RefusedMessage {
    const checked = checkMessage(message, this.options.catalogue, this.options.keyRing);
    if (!checked.ok) return checked;
    const handle = this.handlers.get(checked.event.topic);
    if (!handle)
      return {
        ok: false,
        reason: 'unknown-topic',
        detail: `no handler for ${checked.event.topic}`,
      };
    return { ok: true, message, event: checked.event, handle };
  }

  /**
   * Applies a run of events: together in one transaction when there are several (far fewer
   * commits under load), and if that fails, one at a time with retries, so one bad event
   * never takes its neighbours to the dead-letter topic. Returns false if abandoned.
   */
  private async applyRun(run: readonly AcceptedMessage[], control: BatchControl): Promise<boolean> {
    const last = run[run.length - 1];
    if (!last) return true;
    if (run.length > 1) {
      // Counted only once the transaction committed: a rolled-back group is applied again below.
      const outcomes: [string, Outcome][] = [];
      try {
        await this.options.dataSource.transaction(async (transaction) => {
          // One round trip claims the whole run in the inbox; only newly claimed events run.
          const claimed = await this.claimInbox(run, transaction);
          for (const item of run) {
            // delete(): a redelivered copy inside the same run is applied once, too.
            const fresh = claimed.delete(item.event.id);
            if (fresh) await this.handleInSpan(item, transaction);
            outcomes.push([item.event.topic, fresh ? 'applied' : 'duplicate']);
          }
        });
        for (const [topic, outcome] of outcomes) this.countOutcome(topic, outcome);
        control.resolve(last.message);
        return true;
      } catch (error) {
        this.options.logger.debug(
          { err: error, events: run.length },
          'applying events together failed; applying them one at a time',
        );
      }
    }
    for (const item of run) {
      const outcome = await this.applyWithRetries(item, control);
      if (outcome === 'abandoned') return false;
      if (outcome !== 'dead-lettered') this.countOutcome(item.event.topic, outcome);
      control.resolve(item.message);
    }
    return true;
  }

  private async applyWithRetries(item: AcceptedMessage, control: BatchControl): Promise<Outcome> {
    const { message, event } = item;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.options.dataSource.transaction((transaction) =>
          this.applyInTransaction(item, transaction),
        );
      } catch (error) {
        if (error instanceof PermanentEventError) {
          return this.deadLetter(message, 'handler-rejected', `${error.code}: ${error.message}`);
        }
        const transient = isTransientDatabaseError(error) || marksItselfTransient(error);
        messagingMetrics.handlerFailures.inc({ group: this.options.groupId, topic: event.topic });
        if (!transient && attempt >= this.maxAttempts) {
          return this.deadLetter(message, 'retries-exhausted', describe(error));
        }
        this.options.logger.warn(
          { err: error, eventId: event.id, topic: event.topic, attempt, transient },
          'event handler failed; retrying',
        );
        const active = await this.pause(backoffDelay(this.backoff, attempt), control);
        if (!active) return 'abandoned';
      }
    }
  }

  /** The inbox row and the handler's effects, in the caller's transaction. */
  private async applyInTransaction(
    item: AcceptedMessage,
    transaction: EntityManager,
  ): Promise<Outcome> {
    const claimed = await this.claimInbox([item], transaction);
    if (claimed.size === 0) return 'duplicate';
    await this.handleInSpan(item, transaction);
    return 'applied';
  }

  /** Records the events as processed; returns the ids that were not processed before. */
  private async claimInbox(
    run: readonly AcceptedMessage[],
    transaction: EntityManager,
  ): Promise<Set<string>> {
    const rows: { event_id: string }[] = await transaction.query(
      `INSERT INTO inbox (consumer, event_id, topic)
       SELECT $1, id, topic FROM unnest($2::uuid[], $3::text[]) AS claimed(id, topic)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [this.options.groupId, run.map((i) => i.event.id), run.map((i) => i.event.topic)],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  private handleInSpan({ message, event, handle }: AcceptedMessage, transaction: EntityManager) {
    return withProcessSpan(
      event.topic,
      message.headers,
      {
        'messaging.message.id': event.id,
        'messaging.consumer.group.name': this.options.groupId,
      },
      () => handle(event, transaction),
    );
  }

  private async deadLetter(
    message: IncomingMessage,
    reason: DeadLetterReason,
    detail: string,
  ): Promise<Outcome> {
    // Awaited before the offset is resolved: if this send fails, the batch fails and the
    // message is delivered again rather than lost.
    await this.options.broker.send([deadLetterOf(message, this.options.groupId, reason, detail)]);
    const labels = { group: this.options.groupId, topic: message.topic };
    messagingMetrics.deadLetters.inc({ ...labels, reason });
    messagingMetrics.eventsConsumed.inc({ ...labels, outcome: 'dead_lettered' });
    this.options.logger.warn(
      {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        reason,
        detail,
      },
      'event dead-lettered',
    );
    return 'dead-lettered';
  }

  private countOutcome(topic: string, outcome: Outcome): void {
    messagingMetrics.eventsConsumed.inc({ group: this.options.groupId, topic, outcome });
  }

  /** Waits `ms`, heartbeating so the group keeps this member; false if it should give up. */
  private async pause(ms: number, control: BatchControl): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (!control.isActive()) return false;
      try {
        await control.heartbeat();
      } catch {
        return false; // a rebalance took the partition away
      }
      await sleep(Math.min(1_000, deadline - Date.now()));
    }
    return control.isActive();
  }
}

function describe(error: unknown): string {
  // Class name and message only: handlers keep personal values out of their errors.
  return error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown';
}

/**
 * An error that says it is an outage of something the handler depends on (`transient: true`,
 * e.g. `KeyServiceError` when the key service is unreachable): the event is fine, waiting
 * is the cure. Read as a flag so the consumer need not know every client's error class.
 */
function marksItselfTransient(error: unknown): boolean {
  return error instanceof Error && (error as Error & { transient?: unknown }).transient === true;
}
