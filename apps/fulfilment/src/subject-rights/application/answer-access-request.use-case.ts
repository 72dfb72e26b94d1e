import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  subjectAccessFragmentDocumentSchema,
  subjectAccessRecordCount,
  type AccessRequestedV1,
  type LumenTopics,
} from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { DeliveryAddressOpener } from '../../shipments/application/delivery-address.opener';
import {
  CARRIER_ADDRESS_FIELDS,
  fulfilmentSections,
  type SubjectAccessItemInput,
} from '../domain/fulfilment-access-sections';
import { FragmentSealer } from './fragment-sealer';
import {
  FulfilmentCustomerDataRepository,
  type CustomerShipmentRecord,
} from './fulfilment-customer-data.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Answers a subject access request with the customer's shipments, the delivery addresses
 * fulfilment still holds (opened: fulfilment may read them), who received what (the carrier
 * got the address, on the day of the handover) and the events about them. Sealed for the
 * privacy service and written to the outbox in the transaction that records the request.
 */
@Injectable()
export class AnswerAccessRequest {
  constructor(
    private readonly data: FulfilmentCustomerDataRepository,
    private readonly addresses: DeliveryAddressOpener,
    private readonly sealer: FragmentSealer,
    private readonly outbox: Outbox<LumenTopics>,
  ) {}

  async execute(tx: EntityManager, request: AccessRequestedV1): Promise<void> {
    const { requestId, customerId } = request;
    const orders = UUID.test(customerId) ? await this.data.ordersOf(tx, customerId) : [];
    const events = await this.data.outboxEventsOf(
      tx,
      orders.map((order) => order.orderId),
    );
    const deliveryAddress: SubjectAccessItemInput[] = [];
    for (const order of orders) {
      const item = await this.addressItem(order, customerId);
      if (item) deliveryAddress.push(item);
    }
    const document = subjectAccessFragmentDocumentSchema.parse({
      schemaVersion: 1,
      requestId,
      service: 'fulfilment',
      customerId,
      generatedAt: new Date().toISOString(),
      sections: fulfilmentSections({
        deliveryAddress,
        shipments: orders.map((order) => this.shipmentItem(order)),
        eventsHistory: [
          ...events.map((event): SubjectAccessItemInput => ({
            itemId: `event:${event.eventId}`,
            orderId: event.orderId,
            recordedAt: event.createdAt.toISOString(),
            data: {
              topic: event.topic,
              direction: 'published by fulfilment',
              publishedAt: event.publishedAt?.toISOString() ?? null,
              payload: JSON.parse(JSON.stringify(event.payload)) as SubjectAccessItemInput['data'],
            },
          })),
          ...orders.flatMap((order) =>
            (order.shipment?.tracking ?? []).map((update): SubjectAccessItemInput => ({
              itemId: `tracking:${update.eventId}`,
              orderId: order.orderId,
              recordedAt: update.receivedAt.toISOString(),
              data: {
                direction: 'received from the carrier',
                status: update.status,
                occurredAt: update.occurredAt.toISOString(),
              },
            })),
          ),
        ],
      }),
    });
    await this.outbox.add(tx, 'fulfilment.access.fragment.v1', requestId, {
      requestId,
      service: 'fulfilment',
      fragment: await this.sealer.seal(requestId, JSON.stringify(document)),
      recordCount: subjectAccessRecordCount(document),
      answeredAt: new Date().toISOString(),
    });
  }

  private async addressItem(
    order: CustomerShipmentRecord,
    customerId: string,
  ): Promise<SubjectAccessItemInput | undefined> {
    if (order.sealedAddress === null) return undefined;
    const opened = await this.addresses.open({ customerId, sealedAddress: order.sealedAddress });
    if (!opened.ok && opened.reason === 'unavailable') {
      throw new Error(`key service unavailable: ${opened.detail}`); // the consumer retries
    }
    return {
      itemId: `address:${order.orderId}`,
      orderId: order.orderId,
      recordedAt: (order.addressReceivedAt ?? order.placedAt ?? new Date()).toISOString(),
      data: opened.ok
        ? {
            deliveryAddress: JSON.parse(
              JSON.stringify(opened.address),
            ) as SubjectAccessItemInput['data'],
          }
        : {},
      unreadableFields: opened.ok ? [] : ['deliveryAddress'],
    };
  }

  private shipmentItem(order: CustomerShipmentRecord): SubjectAccessItemInput {
    const { shipment } = order;
    const recordedAt = (shipment?.createdAt ?? order.placedAt ?? new Date()).toISOString();
    if (shipment === null) {
      return {
        itemId: `order:${order.orderId}`,
        orderId: order.orderId,
        recordedAt,
        data: {
          orderId: order.orderId,
          shipment: null,
          state: order.paymentFailedAt
            ? 'not shipped: the payment failed'
            : 'not shipped yet: waiting for the payment',
        },
      };
    }
    return {
      itemId: `shipment:${shipment.shipmentId}`,
      orderId: order.orderId,
      recordedAt,
      data: {
        orderId: order.orderId,
        shipmentId: shipment.shipmentId,
        carrier: shipment.carrier,
        carrierShipmentId: shipment.carrierShipmentId,
        status: shipment.status,
        reasonCode: shipment.reasonCode,
        itemCount: shipment.itemCount,
        weightGrams: shipment.weightGrams,
        createdAt: shipment.createdAt.toISOString(),
        handedOverAt: shipment.handedOverAt?.toISOString() ?? null,
        dispatchedAt: shipment.dispatchedAt?.toISOString() ?? null,
        deliveredAt: shipment.deliveredAt?.toISOString() ?? null,
        failedAt: shipment.failedAt?.toISOString() ?? null,
      },
      recipients:
        shipment.handedOverAt === null
          ? []
          : [
              {
                recipient: 'carrier',
                name: shipment.carrier,
                fields: CARRIER_ADDRESS_FIELDS.map((field) => `deliveryAddress.${field}`),
                purpose:
                  'to deliver your parcel; the carrier receives the address and nothing else',
                at: shipment.handedOverAt.toISOString(),
              },
            ],
    };
  }
}
