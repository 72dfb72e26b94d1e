import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  subjectAccessFragmentDocumentSchema,
  subjectAccessRecordCount,
  type AccessRequestedV1,
  type LumenTopics,
} from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { paymentSections, type SubjectAccessItemInput } from '../domain/payment-access-sections';
import { FragmentSealer } from './fragment-sealer';
import {
  PaymentCustomerDataRepository,
  type CustomerPaymentRecord,
} from './payment-customer-data.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Answers a subject access request with the customer's payments: amounts, gateway references,
 * refunds, whom the card token went to (the gateway, once) and that it is now unreadable. The
 * fragment is sealed for the privacy service and written to the outbox in the transaction that
 * records the request as processed.
 */
@Injectable()
export class AnswerAccessRequest {
  constructor(
    private readonly data: PaymentCustomerDataRepository,
    private readonly sealer: FragmentSealer,
    private readonly outbox: Outbox<LumenTopics>,
  ) {}

  async execute(tx: EntityManager, request: AccessRequestedV1): Promise<void> {
    const { requestId, customerId } = request;
    const payments = UUID.test(customerId) ? await this.data.paymentsOf(tx, customerId) : [];
    const orderIds = payments.map((payment) => payment.orderId);
    const events = await this.data.outboxEventsOf(tx, orderIds);
    const notifications = await this.data.notificationsOf(tx, orderIds);
    const document = subjectAccessFragmentDocumentSchema.parse({
      schemaVersion: 1,
      requestId,
      service: 'payment',
      customerId,
      generatedAt: new Date().toISOString(),
      sections: paymentSections({
        paymentRecords: payments.map((payment) => this.paymentItem(payment)),
        eventsHistory: [
          ...events.map((event): SubjectAccessItemInput => ({
            itemId: `event:${event.eventId}`,
            orderId: event.orderId,
            recordedAt: event.createdAt.toISOString(),
            data: {
              topic: event.topic,
              direction: 'published by payment',
              publishedAt: event.publishedAt?.toISOString() ?? null,
              payload: JSON.parse(JSON.stringify(event.payload)) as SubjectAccessItemInput['data'],
            },
          })),
          ...notifications.map((notification): SubjectAccessItemInput => ({
            itemId: `gateway-notification:${notification.notificationId}`,
            orderId: notification.orderId,
            recordedAt: notification.receivedAt.toISOString(),
            data: { direction: 'received from the payment gateway', type: notification.type },
          })),
        ],
      }),
    });
    await this.outbox.add(tx, 'payment.access.fragment.v1', requestId, {
      requestId,
      service: 'payment',
      fragment: await this.sealer.seal(requestId, JSON.stringify(document)),
      recordCount: subjectAccessRecordCount(document),
      answeredAt: new Date().toISOString(),
    });
  }

  private paymentItem(payment: CustomerPaymentRecord): SubjectAccessItemInput {
    const gateway = payment.gateway ?? 'payment gateway';
    return {
      itemId: `payment:${payment.orderId}`,
      orderId: payment.orderId,
      recordedAt: payment.createdAt.toISOString(),
      data: {
        orderId: payment.orderId,
        gateway,
        gatewayReference: payment.gatewayReference,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        status: payment.status,
        reasonCode: payment.reasonCode,
        refund:
          payment.refundKind === null
            ? null
            : {
                kind: payment.refundKind,
                reasonCode: payment.refundReasonCode,
                at: payment.refundedAt?.toISOString() ?? null,
              },
        updatedAt: payment.updatedAt.toISOString(),
        cardTokenKeyDestroyedAt: payment.cardTokenDestroyedAt?.toISOString() ?? null,
      },
      // Payment never stored the token; it opened it once from the order event to send it to
      // the gateway, and its key is destroyed once the payment ends.
      unreadableFields: payment.cardTokenDestroyedAt === null ? [] : ['cardToken'],
      recipients: [
        {
          recipient: 'payment gateway',
          name: gateway,
          fields: ['cardToken', 'amountMinor', 'currency', 'orderId'],
          purpose: 'to authorise and capture the payment for your order',
          at: payment.createdAt.toISOString(),
        },
      ],
    };
  }
}
