import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ErasureCompletedV1, LumenTopics, SubjectErasedV1 } from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { PaymentCustomerDataRepository } from './payment-customer-data.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Erases a customer from payment: their payments lose the link to them and are kept as
 * accounting records (amounts, currency, gateway references, refunds: no identity), and the
 * published events about those orders are deleted. The receipt is written to the outbox in the
 * same transaction.
 */
@Injectable()
export class EraseCustomer {
  constructor(
    private readonly data: PaymentCustomerDataRepository,
    private readonly outbox: Outbox<LumenTopics>,
  ) {}

  async execute(tx: EntityManager, erased: SubjectErasedV1): Promise<ErasureCompletedV1> {
    const now = new Date();
    const counts = UUID.test(erased.customerId)
      ? await this.data.erase(tx, erased.customerId, now)
      : { paymentsUnlinked: 0, outboxEventsDeleted: 0 };
    const receipt: ErasureCompletedV1 = {
      requestId: erased.requestId,
      service: 'payment',
      stores: [
        {
          store: 'payment.payments (customer link)',
          action: 'masked',
          count: counts.paymentsUnlinked,
        },
        {
          store: 'payment.payments (amounts, gateway references, refunds)',
          action: 'kept-by-law',
          count: counts.paymentsUnlinked,
        },
        {
          store: 'payment.outbox (published events)',
          action: 'deleted',
          count: counts.outboxEventsDeleted,
        },
        // Payment may not fetch a customer's keys, so it never caches one.
        { store: 'payment key cache (customer keys)', action: 'none-held', count: 0 },
        // Payment keeps nothing in Redis.
        { store: 'redis', action: 'none-held', count: 0 },
      ],
      completedAt: now.toISOString(),
    };
    await this.outbox.add(tx, 'payment.erasure.completed.v1', erased.requestId, receipt);
    return receipt;
  }
}
