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
  /** Why, as a code a storefront can show (`declined`); for failures and cancellations. */
  readonly reason?: string | undefined;
}

/**
 * Moves an order to a next status through the transition table, keeping the read model's
 * status and history in step; an illegal transition throws and changes nothing. Runs in the
 * caller's transaction when given one (an event handler's, with its inbox row).
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
    await this.orders.recordStatus(tx, command.orderId, {
      status: next,
      at: command.at,
      cause: command.cause,
      reason: command.reason,
    });
    return next;
  }
}
