import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CheckoutErrorCode, CheckoutException } from '../domain/checkout.exception';
import { progressOf, transition, type OrderStatus } from '../domain/order-status';
import { OrderRepository, type RecordedChange } from './order.repository';

export interface ProgressReport extends RecordedChange {
  readonly orderId: string;
}

export type ProgressOutcome = 'applied' | 'already-past' | 'waiting';

/**
 * Applies what payment and fulfilment report about an order to the read model, whatever order
 * the reports arrive in (they come on different topics). A report the order is ready for goes
 * through the transition table; a late or repeated one changes nothing; an early one (the
 * shipment before the payment) is parked and applied as soon as the order catches up; one the
 * order can never satisfy (a shipment for a failed payment) throws `IllegalTransition`.
 * Runs in the event handler's transaction, with the inbox row.
 */
@Injectable()
export class RecordOrderProgress {
  private readonly logger = new Logger(RecordOrderProgress.name);

  constructor(private readonly orders: OrderRepository) {}

  async execute(report: ProgressReport, tx: EntityManager): Promise<ProgressOutcome> {
    const current = await this.orders.lockStatus(tx, report.orderId);
    if (current === undefined) {
      throw new CheckoutException(CheckoutErrorCode.OrderNotFound, 'No such order');
    }
    switch (progressOf(current, report.status)) {
      case 'apply':
        await this.orders.recordStatus(tx, report.orderId, report);
        await this.applyParked(tx, report.orderId, report.status);
        return 'applied';
      case 'already-past':
        return 'already-past';
      case 'early':
        await this.orders.park(tx, report.orderId, report);
        return 'waiting';
      case 'conflict':
        // Throws IllegalTransition: this report can never apply to this order.
        transition(current, report.status);
        throw new Error('unreachable: transition() accepted a conflicting report');
    }
  }

  /** Applies parked reports the order has become ready for, until none is. */
  private async applyParked(tx: EntityManager, orderId: string, from: OrderStatus): Promise<void> {
    let status = from;
    for (let progressed = true; progressed;) {
      progressed = false;
      for (const parked of await this.orders.parked(tx, orderId)) {
        const progress = progressOf(status, parked.status);
        if (progress === 'early') continue;
        if (progress === 'apply') {
          await this.orders.recordStatus(tx, orderId, parked);
          status = parked.status;
          progressed = true;
        } else if (progress === 'conflict') {
          this.logger.warn('a parked order event can never apply; dropped', {
            orderId,
            cause: parked.cause,
            status,
          });
        }
        await this.orders.unpark(tx, orderId, parked.cause);
      }
    }
  }
}
