import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { MessageBrokerPort } from './message-broker.port';
import { EventConsumer } from '../consumer/event-consumer';
import type { EventHandler, EventSubscription } from '../consumer/received-event';
import { OutboxRelay } from '../outbox/outbox-relay';
import { MessagingMetricsCollector } from '../metrics/messaging-metrics.collector';
import { HANDLE_EVENT_METADATA } from './handle-event.decorator';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging.options';

/**
 * Starts the service's consumer (with every `@HandleEvent` method it finds) and its outbox
 * relay once the app is up, and on shutdown drains them in the right order: stop taking
 * events, finish the ones in flight, publish what they wrote, then disconnect.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: EventConsumer | undefined;
  private relay: OutboxRelay | undefined;
  private metrics: MessagingMetricsCollector | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly broker: MessageBrokerPort,
    private readonly dataSource: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
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
    await this.consumer.start();
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
    await this.metrics?.stop();
    await this.consumer?.stop();
    await this.relay?.stop();
    await this.broker.disconnect();
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
