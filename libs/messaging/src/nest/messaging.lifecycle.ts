import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { backoffDelay, sleep, type BackoffPolicy } from '../backoff';
import { MessageBrokerPort } from './message-broker.port';
import { EventConsumer } from '../consumer/event-consumer';
import type { EventHandler, EventSubscription } from '../consumer/received-event';
import { OutboxRelay } from '../outbox/outbox-relay';
import { MessagingMetricsCollector } from '../metrics/messaging-metrics.collector';
import { HANDLE_EVENT_METADATA } from './handle-event.decorator';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging.options';
import { ConsumerReadinessCheck } from './consumer-readiness.check';

const JOIN_BACKOFF: BackoffPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000 };

/**
 * Starts the service's consumer (with every `@HandleEvent` method it finds) and its outbox
 * relay once the app is up, and on shutdown drains them in the right order: stop taking
 * events, finish the ones in flight, publish what they wrote, then disconnect (leaving the
 * group at once, so the next member need not wait out a session).
 *
 * Nothing here holds up the app's start: the HTTP API and the outbox need only PostgreSQL,
 * while joining the group can take a session timeout after a crash (the group first waits for
 * the dead member) and the broker may be down. The consumer joins in the background and
 * `ConsumerReadinessCheck` tells `/health/ready` when it has.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: EventConsumer | undefined;
  private relay: OutboxRelay | undefined;
  private metrics: MessagingMetricsCollector | undefined;
  private readonly stopping = new AbortController();

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly broker: MessageBrokerPort,
    private readonly dataSource: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly readiness: ConsumerReadinessCheck,
  ) {}

  onApplicationBootstrap(): void {
    const { options } = this;
    if (options.runRelay !== false) {
      this.relay = new OutboxRelay({
        databaseUrl: options.databaseUrl,
        schema: options.schema,
        broker: this.broker,
        logger: options.logger,
      });
      this.relay.start();
    }
    const subscriptions = this.discoverSubscriptions();
    if (subscriptions.length > 0) {
      this.consumer = new EventConsumer({
        groupId: options.groupId,
        catalogue: options.catalogue,
        subscriptions,
        broker: this.broker,
        keyRing: options.keyRing,
        dataSource: this.dataSource,
        logger: options.logger,
        ...(options.maxEventsPerTransaction && {
          maxEventsPerTransaction: options.maxEventsPerTransaction,
        }),
      });
      this.readiness.watch(this.consumer, options.groupId);
      void this.joinGroup(this.consumer);
    }
    this.metrics = new MessagingMetricsCollector({
      groupId: options.groupId,
      topics: subscriptions.map((s) => s.topic),
      brokers: options.brokers,
      dataSource: this.dataSource,
      logger: options.logger,
    });
    this.metrics.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.metrics?.stop();
    await this.consumer?.stop();
    await this.relay?.stop();
    await this.broker.disconnect();
  }

  private isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Starts the consumer, retrying with backoff for as long as the broker cannot be reached. */
  private async joinGroup(consumer: EventConsumer): Promise<void> {
    const { logger, groupId } = this.options;
    for (let attempt = 1; !this.isStopping(); attempt += 1) {
      try {
        await consumer.start();
        return;
      } catch (error) {
        if (this.isStopping()) return;
        logger.warn({ err: error, groupId, attempt }, 'consumer could not start; retrying');
        await sleep(backoffDelay(JOIN_BACKOFF, attempt), this.stopping.signal);
      }
    }
  }

  private discoverSubscriptions(): EventSubscription[] {
    const subscriptions: EventSubscription[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[name];
        if (typeof method !== 'function') continue;
        const topic = this.reflector.get<string | undefined>(HANDLE_EVENT_METADATA, method);
        if (!topic) continue;
        if (subscriptions.some((s) => s.topic === topic)) {
          throw new Error(
            `Two @HandleEvent methods for ${topic}: one service, one handler per topic`,
          );
        }
        const handle: EventHandler = (event, transaction) =>
          (method as EventHandler).call(instance, event, transaction);
        subscriptions.push({ topic, handle });
      }
    }
    return subscriptions;
  }
}
