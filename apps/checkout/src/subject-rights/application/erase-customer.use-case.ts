import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ErasureCompletedV1, LumenTopics, SubjectErasedV1 } from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { CustomerDataRepository } from './customer-data.repository';
import { SubjectAccessKeys } from './subject-access-keys';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Erases a customer from checkout after the key service destroyed their keys: the sealed
 * contact and address go from every order (unreadable already; now gone too), the orders are
 * unlinked from the customer and kept for accounting (amounts, items, dates, policy version),
 * idempotency records and published events of those orders are deleted, and so is the
 * customer row with the blind index of their e-mail. The receipt goes to the outbox in the
 * same transaction, so it exists exactly when the erasure committed.
 */
@Injectable()
export class EraseCustomer {
  constructor(
    private readonly data: CustomerDataRepository,
    private readonly keys: SubjectAccessKeys,
    private readonly outbox: Outbox<LumenTopics>,
  ) {}

  async execute(tx: EntityManager, erased: SubjectErasedV1): Promise<ErasureCompletedV1> {
    const now = new Date();
    const counts = UUID.test(erased.customerId)
      ? await this.data.erase(tx, erased.customerId, now)
      : {
          ordersMasked: 0,
          idempotencyRecordsDeleted: 0,
          customersDeleted: 0,
          outboxEventsDeleted: 0,
        };
    const keysForgotten = this.keys.forget(erased.keysDestroyed);
    const receipt: ErasureCompletedV1 = {
      requestId: erased.requestId,
      service: 'checkout',
      stores: [
        {
          store: 'checkout.orders (contact, address, customer link)',
          action: 'masked',
          count: counts.ordersMasked,
        },
        {
          store: 'checkout.orders (amounts, items, dates, policy version)',
          action: 'kept-by-law',
          count: counts.ordersMasked,
        },
        {
          store: 'checkout.idempotency_keys',
          action: 'deleted',
          count: counts.idempotencyRecordsDeleted,
        },
        { store: 'checkout.customers', action: 'deleted', count: counts.customersDeleted },
        {
          store: 'checkout.outbox (published events)',
          action: 'deleted',
          count: counts.outboxEventsDeleted,
        },
        { store: 'checkout key cache (memory)', action: 'deleted', count: keysForgotten },
        // Checkout keeps nothing in Redis.
        { store: 'redis', action: 'none-held', count: 0 },
      ],
      completedAt: now.toISOString(),
    };
    await this.outbox.add(tx, 'checkout.erasure.completed.v1', erased.requestId, receipt);
    return receipt;
  }
}
