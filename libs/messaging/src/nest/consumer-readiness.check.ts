import { Injectable } from '@nestjs/common';
import type { DependencyCheck } from '#lumen/metrics';
import type { EventConsumer } from '../consumer/event-consumer';

/**
 * The service's consumer as one of `/health/ready`'s checks: not ready until it has joined
 * its group (after a crash, the group first waits out the dead member's session), nor after
 * its client crashed until it has joined again. The HTTP API does not wait for the group
 * (`MessagingLifecycle`), so this is where "not taking events yet" shows. Give it to
 * `MetricsModule.forRoot({ readinessCheckProviders: [ConsumerReadinessCheck] })`.
 */
@Injectable()
export class ConsumerReadinessCheck implements DependencyCheck {
  readonly name = 'consumer-group';
  private watched: { readonly consumer: EventConsumer; readonly groupId: string } | undefined;

  /** Called by the lifecycle when it starts a consumer; a service that consumes nothing has none. */
  watch(consumer: EventConsumer, groupId: string): void {
    this.watched = { consumer, groupId };
  }

  check(): Promise<void> {
    const { watched } = this;
    if (!watched || watched.consumer.isMember()) return Promise.resolve();
    return Promise.reject(new Error(`not a member of consumer group ${watched.groupId} yet`));
  }
}
