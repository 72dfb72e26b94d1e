import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LumenTopics, PaymentRefundKind, ShipmentFailedV1 } from '#lumen/contracts';
import { Outbox, PermanentEventError } from '#lumen/messaging';
import { GatewayRetry } from './gateway-retry';
import { PaymentGateway } from './payment-gateway.port';
import { PaymentRepository } from './payment.repository';

/** One idempotency key per order and operation: a redelivered event repeats the same call. */
export const refundIdempotencyKey = (kind: PaymentRefundKind, orderId: string): string =>
  `${kind}:${orderId}`;

/**
 * Gives an order's money back when its shipment failed for good, inside the inbox
 * transaction of `fulfilment.shipment.failed.v1`: lock the payment row, refund the capture
 * (or void a bare authorisation) with a key derived from the order, record it and publish
 * `payment.payment.refunded.v1` through the outbox. A crash before commit rolls back; the
 * redelivered event repeats the same idempotent call, so the customer is refunded once. A
 * payment that was never confirmed (declined, failed, unknown) has nothing to give back.
 */
@Injectable()
export class RefundPayment {
  private readonly logger = new Logger(RefundPayment.name);

  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly retry: GatewayRetry,
    private readonly outbox: Outbox<LumenTopics>,
  ) {}

  async execute(shipment: ShipmentFailedV1, tx: EntityManager): Promise<void> {
    const payment = await this.payments.findForUpdate(tx, shipment.orderId);
    const kind = payment?.refundKind;
    if (payment === undefined || kind === undefined) {
      // Never paid (declined, failed, no row) or already given back: nothing to refund, and
      // no error: the order's final state comes from the payment outcome already published.
      this.logger.log(
        `shipment of order ${shipment.orderId} failed (${shipment.reasonCode}); ` +
          `nothing to refund (${payment?.snapshot.status ?? 'no payment'})`,
      );
      return;
    }
    const state = payment.snapshot;
    const reference = state.gatewayReference;
    if (reference === null) throw new Error(`payment of ${state.orderId} has no reference`);
    const idempotencyKey = refundIdempotencyKey(kind, state.orderId);
    const given = await this.retry.attempt(kind, this.retry.deadline(), () =>
      kind === 'refund'
        ? this.gateway.refund({
            captureId: reference,
            idempotencyKey,
            amountMinor: state.amountMinor,
          })
        : this.gateway.void({ authorisationId: reference, idempotencyKey }),
    );
    if (!given.ok) {
      if (given.failure.retryable) {
        // No usable answer: the consumer retries the event with backoff (the same key), then
        // dead-letters it with the reason; operators replay it (apps/payment/README.md).
        throw given.failure;
      }
      throw new PermanentEventError(
        'refund-rejected',
        `gateway refused the ${kind} of order ${state.orderId}: ${given.failure.message}`,
      );
    }
    const now = new Date();
    payment.refunded(shipment.reasonCode, now);
    await this.payments.save(tx, payment);
    await this.outbox.add(tx, 'payment.payment.refunded.v1', state.orderId, {
      orderId: state.orderId,
      amountMinor: state.amountMinor,
      currency: state.currency,
      gatewayReference: reference,
      kind,
      reasonCode: shipment.reasonCode,
      occurredAt: now.toISOString(),
    });
  }
}
