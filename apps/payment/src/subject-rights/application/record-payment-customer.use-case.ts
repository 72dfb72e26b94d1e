import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OrderPlacedV1 } from '#lumen/contracts';
import { PaymentCustomerDataRepository } from './payment-customer-data.repository';

/**
 * Remembers whose payment this is, in the transaction that took it, so the customer's access
 * and erasure requests find their payments. Only checkout's pseudonymous customer id is kept.
 */
@Injectable()
export class RecordPaymentCustomer {
  constructor(private readonly data: PaymentCustomerDataRepository) {}

  execute(tx: EntityManager, order: OrderPlacedV1): Promise<void> {
    return this.data.link(tx, order.orderId, order.customerId, order.payment.gateway);
  }
}
