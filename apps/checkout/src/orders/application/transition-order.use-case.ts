import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CheckoutErrorCode, CheckoutException } from '../domain/checkout.exception';
import { transition, type OrderStatus } from '../domain/order-status';
import { OrderRepository } from './order.repository';

export interface TransitionOrderCommand {
  readonly orderId: string;
  readonly to: OrderStatus;
  readonly at: Date;
  /** What moved the order, e.g. `payment.payment.confirmed.v1:<eventId>`. */
  readonly cause: string;
}

/**
 * Moves an order to its next status through the transition table, keeping the read model's
 * status and history in step. The consumers of payment and fulfilment events call this with
 * the transaction the messaging layer gives them, so the inbox row and the change commit
 * together; an illegal transition throws and changes nothing.
 */
@Injectable()
export class TransitionOrder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
  ) {}

  async execute(command: TransitionOrderCommand, tx?: EntityManager): Promise<OrderStatus> {
    if (tx === undefined) return this.dataSource.transaction((own) => this.apply(command, own));
    return this.apply(command, tx);
  }

  private async apply(command: TransitionOrderCommand, tx: EntityManager): Promise<OrderStatus> {
    const current = await this.orders.lockStatus(tx, command.orderId);
    if (current === undefined) {
      throw new CheckoutException(CheckoutErrorCode.OrderNotFound, 'No such order');
    }
    const next = transition(current, command.to);
    await this.orders.recordStatus(tx, command.orderId, next, command.at, command.cause);
    return next;
  }
}
