import { Injectable } from '@nestjs/common';
import { CheckoutErrorCode, CheckoutException } from '../domain/checkout.exception';
import type { OrderStatusView } from '../domain/order';
import { OrderRepository } from './order.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An order's status and history for the storefront that placed it. Any other storefront gets
 * the same answer as for an order that does not exist, so ids reveal nothing.
 */
@Injectable()
export class GetOrderStatus {
  constructor(private readonly orders: OrderRepository) {}

  async execute(query: { storefrontId: string; orderId: string }): Promise<OrderStatusView> {
    const view = UUID.test(query.orderId)
      ? await this.orders.findForStorefront(query.orderId.toLowerCase(), query.storefrontId)
      : undefined;
    if (view === undefined) {
      throw new CheckoutException(CheckoutErrorCode.OrderNotFound, 'No such order');
    }
    return view;
  }
}
