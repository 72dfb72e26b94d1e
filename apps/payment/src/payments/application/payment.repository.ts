import type { EntityManager } from 'typeorm';
import type { Payment } from '../domain/payment';

export abstract class PaymentRepository {
  /** The order's payment, locked for the rest of the transaction. */
  abstract findForUpdate(tx: EntityManager, orderId: string): Promise<Payment | undefined>;
  abstract insert(tx: EntityManager, payment: Payment): Promise<void>;
  abstract save(tx: EntityManager, payment: Payment): Promise<void>;
}
