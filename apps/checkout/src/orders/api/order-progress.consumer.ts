import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  PaymentConfirmedV1,
  PaymentFailedV1,
  ShipmentDeliveredV1,
  ShipmentDispatchedV1,
  ShipmentFailedV1,
} from '#lumen/contracts';
import { HandleEvent, PermanentEventError, type ReceivedEvent } from '#lumen/messaging';
import {
  RecordOrderProgress,
  type ProgressReport,
} from '../application/record-order-progress.use-case';
import { OrderStageRecorder } from '../../metrics/order-stage.recorder';
import { CheckoutErrorCode, CheckoutException } from '../domain/checkout.exception';
import type { OrderStatus } from '../domain/order-status';

/**
 * Keeps the order-status read model current from payment's and fulfilment's events, each in the
 * consumer's transaction with its inbox row (so once), in whatever order they arrive (see
 * `RecordOrderProgress`). An order checkout does not know, or a report no order could accept
 * (a shipment for a failed payment), is dead-lettered at once with the reason.
 * `fulfilment.shipment.created.v1` is not a status change and is not consumed.
 */
@Injectable()
export class OrderProgressConsumer {
  private readonly logger = new Logger(OrderProgressConsumer.name);

  constructor(
    private readonly recordProgress: RecordOrderProgress,
    private readonly stages: OrderStageRecorder,
  ) {}

  @HandleEvent('payment.payment.confirmed.v1')
  onPaymentConfirmed(event: ReceivedEvent<PaymentConfirmedV1>, tx: EntityManager): Promise<void> {
    return this.progress(event, 'payment_confirmed', event.payload.confirmedAt, undefined, tx);
  }

  @HandleEvent('payment.payment.failed.v1')
  onPaymentFailed(event: ReceivedEvent<PaymentFailedV1>, tx: EntityManager): Promise<void> {
    const { failedAt, reasonCode } = event.payload;
    return this.progress(event, 'payment_failed', failedAt, reasonCode, tx);
  }

  @HandleEvent('fulfilment.shipment.dispatched.v1')
  onDispatched(event: ReceivedEvent<ShipmentDispatchedV1>, tx: EntityManager): Promise<void> {
    return this.progress(event, 'shipped', event.payload.occurredAt, undefined, tx);
  }

  @HandleEvent('fulfilment.shipment.delivered.v1')
  onDelivered(event: ReceivedEvent<ShipmentDeliveredV1>, tx: EntityManager): Promise<void> {
    return this.progress(event, 'delivered', event.payload.occurredAt, undefined, tx);
  }

  @HandleEvent('fulfilment.shipment.failed.v1')
  onShipmentFailed(event: ReceivedEvent<ShipmentFailedV1>, tx: EntityManager): Promise<void> {
    const { occurredAt, reasonCode } = event.payload;
    return this.progress(event, 'cancelled', occurredAt, reasonCode, tx);
  }

  private async progress(
    event: ReceivedEvent<{ orderId: string }>,
    status: OrderStatus,
    at: string,
    reason: string | undefined,
    tx: EntityManager,
  ): Promise<void> {
    const report: ProgressReport = {
      orderId: event.payload.orderId,
      status,
      at: new Date(at),
      cause: `${event.topic}:${event.id}`,
      reason,
    };
    let outcome;
    try {
      outcome = await this.recordProgress.execute(report, tx);
    } catch (error) {
      if (!(error instanceof CheckoutException)) throw error;
      if (error.code === CheckoutErrorCode.OrderNotFound) {
        throw new PermanentEventError('unknown-order', `No order ${report.orderId} in checkout`);
      }
      if (error.code === CheckoutErrorCode.IllegalTransition) {
        throw new PermanentEventError('illegal-transition', error.message);
      }
      throw error;
    }
    if (outcome === 'applied') await this.stages.reached(tx, report.orderId, status, report.at);
    if (outcome !== 'applied') {
      this.logger.log('order event not applied now', {
        orderId: report.orderId,
        topic: event.topic,
        outcome,
      });
    }
  }
}
