import type { TopicCatalogue } from './topic-definition';
import { orderPlacedV1 } from './topics/checkout-order-placed.v1';
import {
  shipmentCreatedV1,
  shipmentDeliveredV1,
  shipmentDispatchedV1,
  shipmentFailedV1,
} from './topics/fulfilment-shipment.v1';
import { keyDestroyedV1 } from './topics/privacy-key-destroyed.v1';
import { paymentConfirmedV1 } from './topics/payment-payment-confirmed.v1';
import { paymentFailedV1 } from './topics/payment-payment-failed.v1';
import { cardTokenDestroyedV1 } from './topics/payment-card-token-destroyed.v1';
import { paymentRefundedV1 } from './topics/payment-payment-refunded.v1';
import {
  accessFragmentV1,
  accessRequestedV1,
  erasureCompletedV1,
  subjectErasedV1,
} from './topics/privacy-subject-rights.v1';

/**
 * The topic-to-schema map: every topic Lumen uses, who owns it, how it is kept. Topics are
 * created from this list by `scripts/provision`; the broker never auto-creates one.
 * Each issue that adds an event adds its row here.
 */
export const LUMEN_TOPICS = {
  [orderPlacedV1.name]: orderPlacedV1,
  [shipmentCreatedV1.name]: shipmentCreatedV1,
  [shipmentDispatchedV1.name]: shipmentDispatchedV1,
  [shipmentDeliveredV1.name]: shipmentDeliveredV1,
  [shipmentFailedV1.name]: shipmentFailedV1,
  [keyDestroyedV1.name]: keyDestroyedV1,
  [paymentConfirmedV1.name]: paymentConfirmedV1,
  [paymentFailedV1.name]: paymentFailedV1,
  [cardTokenDestroyedV1.name]: cardTokenDestroyedV1,
  [paymentRefundedV1.name]: paymentRefundedV1,
  [accessRequestedV1.name]: accessRequestedV1,
  [subjectErasedV1.name]: subjectErasedV1,
  [accessFragmentV1.checkout.name]: accessFragmentV1.checkout,
  [accessFragmentV1.payment.name]: accessFragmentV1.payment,
  [accessFragmentV1.fulfilment.name]: accessFragmentV1.fulfilment,
  [erasureCompletedV1.checkout.name]: erasureCompletedV1.checkout,
  [erasureCompletedV1.payment.name]: erasureCompletedV1.payment,
  [erasureCompletedV1.fulfilment.name]: erasureCompletedV1.fulfilment,
} as const satisfies TopicCatalogue;

export type LumenTopics = typeof LUMEN_TOPICS;
export type LumenTopicName = keyof LumenTopics;
