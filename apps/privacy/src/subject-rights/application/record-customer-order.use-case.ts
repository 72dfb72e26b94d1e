import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OrderPlacedV1 } from '#lumen/contracts';
import { SubjectRightsRepository } from './subject-rights.repository';

/**
 * The privacy service's customer directory: which orders a customer placed (for the policy
 * versions and the order-bound keys an erasure destroys) and the e-mail on file, kept exactly as
 * checkout sealed it. It is opened only to send a verification code.
 */
@Injectable()
export class RecordCustomerOrder {
  constructor(private readonly repository: SubjectRightsRepository) {}

  execute(order: OrderPlacedV1, tx: EntityManager): Promise<void> {
    return this.repository.recordCustomerOrder(tx, {
      orderId: order.orderId,
      customerId: order.customerId,
      placedAt: new Date(order.placedAt),
      policyVersion: order.policyVersion,
      sealedEmail: order.customer.email,
    });
  }
}
