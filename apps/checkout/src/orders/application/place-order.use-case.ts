import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LumenTopics } from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { PrivacyPolicyRepository } from '../../privacy-policy/application/privacy-policy.repository';
import { CheckoutErrorCode, CheckoutException } from '../domain/checkout.exception';
import { priceOrder } from '../domain/order-pricing';
import { CustomerRepository } from './customer.repository';
import { Fingerprints } from './fingerprints';
import {
  IdempotencyRecordRepository,
  type IdempotencyRecord,
} from './idempotency-record.repository';
import { OrderRepository } from './order.repository';
import { OrderSealer } from './order-sealer';
import type { PlaceOrderCommand, PlaceOrderResult, PlacedOrderAnswer } from './place-order.command';

const ACCEPTED = 202;

/** Thrown inside the transaction to roll it back when another request holds the key. */
class IdempotencyKeyTaken extends Error {}

/**
 * Accepts an order: prices it, seals every personal field under keys from the key service,
 * then writes the order, its idempotency record and `checkout.order.placed.v1` in one
 * transaction. The card token is sealed for payment under a key of the order's own and is kept
 * only inside that event. Nothing is written until the request has passed every check.
 */
@Injectable()
export class PlaceOrder {
  private readonly logger = new Logger(PlaceOrder.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
    private readonly idempotency: IdempotencyRecordRepository,
    private readonly customers: CustomerRepository,
    private readonly policies: PrivacyPolicyRepository,
    private readonly sealer: OrderSealer,
    private readonly fingerprints: Fingerprints,
    private readonly outbox: Outbox<LumenTopics>,
  ) {}

  async execute(command: PlaceOrderCommand): Promise<PlaceOrderResult> {
    const { storefrontId, idempotencyKey, request } = command;
    const fingerprint = this.fingerprints.requestFingerprint(storefrontId, request);
    if (idempotencyKey !== undefined) {
      const earlier = await this.idempotency.find(storefrontId, idempotencyKey);
      if (earlier !== undefined) return replay(earlier, fingerprint);
    }

    const policy = await this.policies.findByVersion(request.privacyPolicyVersion);
    if (policy === undefined) {
      throw new CheckoutException(
        CheckoutErrorCode.UnknownPolicyVersion,
        'The customer accepted a privacy policy version that does not exist',
        [
          {
            field: 'privacyPolicyVersion',
            expected: 'a published version: GET /privacy-policy gives the current one',
          },
        ],
      );
    }
    const { currency, totalMinor } = priceOrder(request.items);

    const customerId = await this.customers.idForEmailIndex(
      this.fingerprints.emailIndex(request.customer.email),
    );
    const orderId = randomUUID();
    const placedAt = new Date();
    const sealed = await this.sealer.seal(orderId, customerId, {
      customer: request.customer,
      deliveryAddress: request.deliveryAddress,
      cardToken: request.payment.cardToken,
    });
    const answer: PlacedOrderAnswer = {
      orderId,
      status: 'placed',
      statusUrl: `/orders/${orderId}`,
    };

    try {
      await this.dataSource.transaction(async (tx) => {
        if (idempotencyKey !== undefined) {
          const claimed = await this.idempotency.claim(tx, {
            storefrontId,
            idempotencyKey,
            requestFingerprint: fingerprint,
            orderId,
            responseStatus: ACCEPTED,
            answer,
          });
          if (!claimed) throw new IdempotencyKeyTaken();
        }
        const lines = request.items.map(({ sku, quantity, unitPriceMinor }) => ({
          sku,
          quantity,
          unitPriceMinor,
        }));
        await this.orders.insert(tx, {
          orderId,
          storefrontId,
          customerId,
          currency,
          totalMinor,
          policyVersion: policy.version,
          paymentGateway: request.payment.gateway,
          lines,
          contact: sealed.stored,
          placedAt,
        });
        await this.outbox.add(tx, 'checkout.order.placed.v1', orderId, {
          orderId,
          storefrontId,
          customerId,
          placedAt: placedAt.toISOString(),
          policyVersion: policy.version,
          currency,
          totalMinor,
          items: lines,
          payment: { gateway: request.payment.gateway, cardToken: sealed.event.cardToken },
          delivery: { address: sealed.event.deliveryAddress },
          customer: sealed.event.customer,
        });
      });
    } catch (error) {
      // The order did not commit: its card-token key protects nothing, so it goes now.
      await this.sealer.discardCardTokenKey(sealed.cardTokenKeyId).catch((cause: unknown) => {
        this.logger.warn('could not destroy the card-token key of an uncommitted order', {
          keyId: sealed.cardTokenKeyId,
          reason: cause instanceof Error ? cause.name : 'unknown',
        });
      });
      if (!(error instanceof IdempotencyKeyTaken) || idempotencyKey === undefined) throw error;
      const winner = await this.idempotency.find(storefrontId, idempotencyKey);
      if (winner === undefined)
        throw new Error('Idempotency key taken, but no record found', { cause: error });
      return replay(winner, fingerprint);
    }

    this.logger.log('order placed', { orderId, storefrontId, currency, totalMinor });
    return { answer, replayed: false };
  }
}

function replay(record: IdempotencyRecord, fingerprint: Buffer): PlaceOrderResult {
  const same =
    record.requestFingerprint.length === fingerprint.length &&
    timingSafeEqual(record.requestFingerprint, fingerprint);
  if (!same) {
    throw new CheckoutException(
      CheckoutErrorCode.IdempotencyKeyReused,
      'This Idempotency-Key was used for a different order; use a new key for a new order',
    );
  }
  return { answer: record.answer, replayed: true };
}
