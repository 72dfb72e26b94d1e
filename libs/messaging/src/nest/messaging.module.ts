import {
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { KafkaJsBroker } from '../broker/kafkajs-broker';
import { Outbox } from '../outbox/outbox';
import { ConsumerReadinessCheck } from './consumer-readiness.check';
import { MessageBrokerPort } from './message-broker.port';
import { MessagingLifecycle } from './messaging.lifecycle';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging.options';

export interface MessagingModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (
    ...args: never[]
  ) => MessagingModuleOptions | Promise<MessagingModuleOptions>;
}

/**
 * Gives a service its outbox (inject `Outbox`), runs its relay, and consumes the topics its
 * `@HandleEvent` methods name. Requires a TypeORM `DataSource` provider in the app. Its
 * `ConsumerReadinessCheck` belongs in the app's readiness checks.
 */
@Module({})
export class MessagingModule {
  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        {
          provide: MESSAGING_OPTIONS,
          inject: options.inject ?? [],
          useFactory: options.useFactory,
        },
        {
          provide: MessageBrokerPort,
          inject: [MESSAGING_OPTIONS],
          useFactory: (o: MessagingModuleOptions) =>
            new KafkaJsBroker({ clientId: o.groupId, brokers: o.brokers, logger: o.logger }),
        },
        {
          provide: Outbox,
          inject: [MESSAGING_OPTIONS],
          useFactory: (o: MessagingModuleOptions) => new Outbox(o.catalogue, o.signer),
        },
        ConsumerReadinessCheck,
        MessagingLifecycle,
      ],
      exports: [Outbox, MessageBrokerPort, ConsumerReadinessCheck],
    };
  }
}
