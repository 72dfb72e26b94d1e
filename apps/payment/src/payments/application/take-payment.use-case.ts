import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OrderPlacedV1, PaymentFailureReason } from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import type { LumenTopics } from '#lumen/contracts';
import { PAYMENT_CONFIG, type PaymentConfig } from '../../config/payment.config';
import { Payment } from '../domain/payment';
import { AfterCommit } from './after-commit';
import { CardTokenKeyRepository } from './card-token-key.repository';
import { CardTokenUnreadable, CardTokenVault } from './card-token-vault';
import { DestroyCardToken } from './destroy-card-token.use-case';
import { GatewayRetry } from './gateway-retry';
import { GatewayFailure, PaymentGateway } from './payment-gateway.port';
import { PaymentRepository } from './payment.repository';

const FAILURE_REASONS: Readonly<Record<GatewayFailure['kind'], PaymentFailureReason>> = {
  unavailable: 'gateway-unavailable',
  unverified: 'gateway-unverified',
  rejected: 'gateway-rejected',
};

/**
 * Takes the payment for a placed order, inside the inbox transaction of the event: open the
 * card token, authorise and capture with the order id as the idempotency key, record the
 * outcome and publish it through the outbox. If anything crashes, the transaction rolls
 * back and the redelivered event repeats the same idempotent gateway calls, so the card is
 * charged once. Once the outcome commits, the token's key is destroyed.
 */
@Injectable()
export class TakePayment {
  private readonly logger = new Logger(TakePayment.name);

  constructor(
    @Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig,
    private readonly payments: PaymentRepository,
    private readonly tokenKeys: CardTokenKeyRepository,
    private readonly vault: CardTokenVault,
    private readonly gateway: PaymentGateway,
    private readonly outbox: Outbox<LumenTopics>,
    private readonly afterCommit: AfterCommit,
    private readonly destroyCardToken: DestroyCardToken,
    private readonly retry: GatewayRetry,
  ) {}

  async execute(order: OrderPlacedV1, tx: EntityManager): Promise<void> {
    const placedAt = new Date(order.placedAt);
    // Committed on its own first: even if this order ends in the dead-letter topic, the
    // backstop knows its key and destroys it at expiry.
    await this.tokenKeys.schedule(
      order.orderId,
      this.vault.keyIdOf(order.payment.cardToken),
      placedAt,
      new Date(placedAt.getTime() + this.config.cardTokenTtlMs),
    );
    let payment = await this.payments.findForUpdate(tx, order.orderId);
    if (payment?.isSettled) return; // the order was already paid for, failed, or refunded
    if (!payment) {
      payment = Payment.start(order.orderId, order.totalMinor, order.currency);
      await this.payments.insert(tx, payment);
    }
    await this.attempt(order, payment);
    await this.payments.save(tx, payment);

    const now = new Date();
    const state = payment.snapshot;
    if (state.status === 'confirmed' && state.gatewayReference !== null) {
      await this.outbox.add(tx, 'payment.payment.confirmed.v1', order.orderId, {
        orderId: order.orderId,
        gatewayReference: state.gatewayReference,
        amountMinor: state.amountMinor,
        currency: state.currency,
        confirmedAt: now.toISOString(),
      });
    } else if (state.status === 'failed' && state.reasonCode !== null) {
      await this.outbox.add(tx, 'payment.payment.failed.v1', order.orderId, {
        orderId: order.orderId,
        reasonCode: state.reasonCode,
        amountMinor: state.amountMinor,
        currency: state.currency,
        failedAt: now.toISOString(),
      });
    } else {
      throw new Error(`Payment of order ${order.orderId} ended in ${state.status}`);
    }
    const trigger = state.status === 'confirmed' ? 'confirmed' : 'failed';
    await this.tokenKeys.markOutcome(tx, order.orderId, trigger, now);
    // The card details are removed as soon as the order is processed.
    this.afterCommit.run(tx, async () => {
      await this.destroyCardToken.now(order.orderId);
    });
  }

  private async attempt(order: OrderPlacedV1, payment: Payment): Promise<void> {
    // One budget for every gateway call of this payment, well inside the consumer's session
    // timeout, so a slow gateway fails the payment instead of costing the partition.
    const deadline = this.retry.deadline();
    let cardToken: string;
    try {
      cardToken = await this.vault.open(order.payment.cardToken, order.orderId);
    } catch (error) {
      if (!(error instanceof CardTokenUnreadable)) throw error; // key service down: retry the event
      this.logger.warn(`card token of order ${order.orderId} unreadable: ${error.why}`);
      payment.failed('card-token-unreadable');
      return;
    }
    const authorised = await this.retry.attempt('authorise', deadline, () =>
      this.gateway.authorise({
        orderId: order.orderId,
        idempotencyKey: order.orderId,
        amountMinor: order.totalMinor,
        currency: order.currency,
        cardToken,
      }),
    );
    if (!authorised.ok) {
      payment.failed(FAILURE_REASONS[authorised.failure.kind]);
      return;
    }
    if (authorised.value.outcome === 'declined') {
      payment.failed(authorised.value.reason);
      return;
    }
    const { authorisationId } = authorised.value;
    payment.authorised(authorisationId);
    const captured = await this.retry.attempt('capture', deadline, () =>
      this.gateway.capture({
        authorisationId,
        idempotencyKey: order.orderId,
        amountMinor: order.totalMinor,
      }),
    );
    if (!captured.ok) {
      // The capture may have happened with its answer lost: ask before giving up.
      const standing = await this.retry.attempt('look up', deadline, () =>
        this.gateway.lookUp(authorisationId),
      );
      if (standing.ok && standing.value.status === 'captured' && standing.value.captureId) {
        payment.confirmed(standing.value.captureId);
        return;
      }
      if (!standing.ok) {
        this.logger.error(
          `capture of order ${order.orderId} unknown (no answer, no lookup); voiding, reconcile if it fails`,
        );
      }
      await this.releaseQuietly(authorisationId, order.orderId);
      payment.failed(FAILURE_REASONS[captured.failure.kind]);
      return;
    }
    payment.confirmed(captured.value.captureId);
  }

  /** Releases the hold on the customer's card when the capture could not be completed. */
  private async releaseQuietly(authorisationId: string, orderId: string): Promise<void> {
    try {
      await this.gateway.void({ authorisationId, idempotencyKey: orderId });
    } catch (error) {
      // The authorisation lapses at the gateway on its own; reconciliation is the backstop.
      this.logger.warn(
        `could not void authorisation of order ${orderId}: ${error instanceof Error ? error.message : 'error'}`,
      );
    }
  }
}
