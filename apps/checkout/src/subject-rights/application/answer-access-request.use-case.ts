import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  subjectAccessFragmentDocumentSchema,
  subjectAccessRecordCount,
  type AccessRequestedV1,
  type LumenTopics,
} from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { eventSealContexts, storedSealContext } from '../../orders/domain/seal-contexts';
import { nonEmptySections, type SubjectAccessItemInput } from '../domain/checkout-access-sections';
import {
  CustomerDataRepository,
  type CustomerOrderRecord,
  type OutboxEventRecord,
} from './customer-data.repository';
import { SubjectAccessKeys } from './subject-access-keys';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface OrderPlacedPayload {
  customer?: { name?: string; email?: string; phone?: string };
  delivery?: { address?: string };
  payment?: { gateway?: string; cardToken?: string };
  [field: string]: unknown;
}

/**
 * Answers a subject access request with everything checkout holds about the customer, opened
 * where checkout may open it, sealed for the privacy service, and written to the outbox in the
 * transaction that records the request as processed: one answer per request, however often
 * the request is delivered.
 */
@Injectable()
export class AnswerAccessRequest {
  constructor(
    private readonly data: CustomerDataRepository,
    private readonly keys: SubjectAccessKeys,
    private readonly outbox: Outbox<LumenTopics>,
  ) {}

  async execute(tx: EntityManager, request: AccessRequestedV1): Promise<void> {
    const { customerId, requestId } = request;
    // Checkout's customer ids are UUIDs: anything else names nobody checkout knows.
    const known = UUID.test(customerId);
    const since = known ? await this.data.customerSince(tx, customerId) : undefined;
    const orders = known ? await this.data.ordersOf(tx, customerId) : [];
    const events = await this.data.outboxEventsOf(
      tx,
      orders.map((order) => order.orderId),
    );

    const identityContact: SubjectAccessItemInput[] = [];
    const deliveryAddress: SubjectAccessItemInput[] = [];
    if (since !== undefined) {
      identityContact.push({
        itemId: `customer:${customerId}`,
        recordedAt: since.toISOString(),
        data: {
          customerId,
          held: 'a keyed hash of your e-mail address, which recognises you when you order again; it cannot be turned back into the address',
        },
      });
    }
    for (const order of orders) {
      const contact = await this.contactOf(order, customerId);
      if (contact) {
        identityContact.push(contact.identity);
        deliveryAddress.push(contact.address);
      }
    }
    const document = subjectAccessFragmentDocumentSchema.parse({
      schemaVersion: 1,
      requestId,
      service: 'checkout',
      customerId,
      generatedAt: new Date().toISOString(),
      sections: nonEmptySections({
        identityContact,
        deliveryAddress,
        orderHistory: orders.map((order) => this.orderItem(order)),
        eventsHistory: [
          ...(await Promise.all(events.map((event) => this.publishedEventItem(event, customerId)))),
          ...orders.flatMap((order) => this.consumedEventItems(order)),
        ],
      }),
    });
    await this.outbox.add(tx, 'checkout.access.fragment.v1', requestId, {
      requestId,
      service: 'checkout',
      fragment: await this.keys.sealFragment(requestId, JSON.stringify(document)),
      recordCount: subjectAccessRecordCount(document),
      answeredAt: new Date().toISOString(),
    });
  }

  private async contactOf(
    order: CustomerOrderRecord,
    customerId: string,
  ): Promise<{ identity: SubjectAccessItemInput; address: SubjectAccessItemInput } | undefined> {
    const { sealed, orderId } = order;
    if (sealed === null) return undefined;
    const context = (column: Parameters<typeof storedSealContext>[0]) =>
      storedSealContext(column, customerId, orderId);
    const [name, email, phone, address] = await Promise.all([
      this.keys.open(sealed.name, context('customer_name')),
      this.keys.open(sealed.email, context('customer_email')),
      this.keys.open(sealed.phone, context('customer_phone')),
      this.keys.open(sealed.deliveryAddress, context('delivery_address')),
    ]);
    const recordedAt = order.placedAt.toISOString();
    const contactData: Record<string, string> = {};
    const unreadable: string[] = [];
    for (const [field, opened] of [
      ['name', name],
      ['email', email],
      ['phone', phone],
    ] as const) {
      if (opened.readable) contactData[field] = opened.value;
      else unreadable.push(field);
    }
    return {
      identity: {
        itemId: `order:${orderId}:contact`,
        orderId,
        recordedAt,
        data: contactData,
        unreadableFields: unreadable,
      },
      address: {
        itemId: `order:${orderId}:delivery-address`,
        orderId,
        recordedAt,
        data: address.readable
          ? { deliveryAddress: JSON.parse(address.value) as Record<string, string> }
          : {},
        unreadableFields: address.readable ? [] : ['deliveryAddress'],
      },
    };
  }

  private orderItem(order: CustomerOrderRecord): SubjectAccessItemInput {
    return {
      itemId: `order:${order.orderId}`,
      orderId: order.orderId,
      policyVersion: order.policyVersion,
      recordedAt: order.placedAt.toISOString(),
      data: {
        orderId: order.orderId,
        storefront: order.storefrontId,
        status: order.status,
        currency: order.currency,
        totalMinor: order.totalMinor,
        items: order.items.map((item) => ({ ...item })),
        paymentGateway: order.paymentGateway,
        placedAt: order.placedAt.toISOString(),
        updatedAt: order.updatedAt.toISOString(),
        acceptedPrivacyPolicyVersion: order.policyVersion,
        personalDataRemovedAt: order.personalDataRemovedAt?.toISOString() ?? null,
        statusHistory: order.history.map((step) => ({
          status: step.status,
          at: step.occurredAt.toISOString(),
          reason: step.reason,
        })),
      },
    };
  }

  /** An event checkout published about the order, with the fields checkout may open opened. */
  private async publishedEventItem(
    event: OutboxEventRecord,
    customerId: string,
  ): Promise<SubjectAccessItemInput> {
    const data: Record<string, unknown> = {
      topic: event.topic,
      direction: 'published by checkout',
      writtenAt: event.createdAt.toISOString(),
      publishedAt: event.publishedAt?.toISOString() ?? null,
    };
    const unreadable: string[] = [];
    if (event.topic === 'checkout.order.placed.v1') {
      const payload = event.envelope.payload as OrderPlacedPayload;
      const { customer, delivery, payment, ...plain } = payload;
      data.order = plain;
      for (const field of ['name', 'email', 'phone'] as const) {
        const sealed = customer?.[field];
        if (sealed === undefined) continue;
        const opened = await this.keys.open(sealed, eventSealContexts.customer(field, customerId));
        if (opened.readable) data[`customer.${field}`] = opened.value;
        else unreadable.push(`customer.${field}`);
      }
      if (delivery?.address !== undefined) {
        const opened = await this.keys.open(
          delivery.address,
          eventSealContexts.deliveryAddress(customerId),
        );
        if (opened.readable) data['delivery.address'] = JSON.parse(opened.value) as unknown;
        else unreadable.push('delivery.address');
      }
      // Sealed for payment alone, whose key is destroyed once the payment ends.
      if (payment?.cardToken !== undefined) unreadable.push('payment.cardToken');
      if (payment?.gateway !== undefined) data['payment.gateway'] = payment.gateway;
    }
    return {
      itemId: `event:${event.eventId}`,
      orderId: event.orderId,
      recordedAt: event.createdAt.toISOString(),
      data: JSON.parse(JSON.stringify(data)) as SubjectAccessItemInput['data'],
      unreadableFields: unreadable,
    };
  }

  /** Events of payment and fulfilment that moved the order, as checkout recorded them. */
  private consumedEventItems(order: CustomerOrderRecord): SubjectAccessItemInput[] {
    return order.history.flatMap((step) => {
      const match = /^([a-z0-9.-]+):([0-9a-f-]{36})$/.exec(step.cause);
      if (match === null) return [];
      return [
        {
          itemId: `event:${match[2] ?? ''}`,
          orderId: order.orderId,
          recordedAt: step.occurredAt.toISOString(),
          data: {
            topic: match[1] ?? '',
            direction: 'received by checkout',
            effect: `order status became ${step.status}`,
            reason: step.reason,
            processedAt: step.processedAt?.toISOString() ?? null,
          },
        },
      ];
    });
  }
}
