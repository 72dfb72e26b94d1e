import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccessFragmentV1, ErasureCompletedV1, OrderPlacedV1 } from '#lumen/contracts';
import { HandleEvent, PermanentEventError, type ReceivedEvent } from '#lumen/messaging';
import { EnvelopeError } from '#lumen/crypto';
import { KeyServiceErrorCode, KeyServiceException } from '../../keys/domain/key-service.exception';
import { UnusableFragmentError } from '../application/open-fragment';
import { RecordAccessFragment } from '../application/record-access-fragment.use-case';
import { RecordCustomerOrder } from '../application/record-customer-order.use-case';
import { RecordErasureAnswer } from '../application/record-erasure-answer.use-case';

/**
 * The privacy service's subscriptions for subject rights: orders (its customer directory) and
 * every service's answers. The topic's owner signed each event (checked at the edge); an answer
 * that names another service than its signer, or a fragment that cannot be opened or read, is
 * dead-lettered at once with the reason.
 */
@Injectable()
export class SubjectRightsConsumer {
  constructor(
    private readonly recordOrder: RecordCustomerOrder,
    private readonly recordFragment: RecordAccessFragment,
    private readonly recordErasure: RecordErasureAnswer,
  ) {}

  @HandleEvent('checkout.order.placed.v1')
  onOrderPlaced(event: ReceivedEvent<OrderPlacedV1>, tx: EntityManager): Promise<void> {
    return this.recordOrder.execute(event.payload, tx);
  }

  @HandleEvent('checkout.access.fragment.v1')
  onCheckoutFragment(event: ReceivedEvent<AccessFragmentV1>, tx: EntityManager): Promise<void> {
    return this.fragment(event, tx);
  }

  @HandleEvent('payment.access.fragment.v1')
  onPaymentFragment(event: ReceivedEvent<AccessFragmentV1>, tx: EntityManager): Promise<void> {
    return this.fragment(event, tx);
  }

  @HandleEvent('fulfilment.access.fragment.v1')
  onFulfilmentFragment(event: ReceivedEvent<AccessFragmentV1>, tx: EntityManager): Promise<void> {
    return this.fragment(event, tx);
  }

  @HandleEvent('checkout.erasure.completed.v1')
  onCheckoutErased(event: ReceivedEvent<ErasureCompletedV1>, tx: EntityManager): Promise<void> {
    return this.erasure(event, tx);
  }

  @HandleEvent('payment.erasure.completed.v1')
  onPaymentErased(event: ReceivedEvent<ErasureCompletedV1>, tx: EntityManager): Promise<void> {
    return this.erasure(event, tx);
  }

  @HandleEvent('fulfilment.erasure.completed.v1')
  onFulfilmentErased(event: ReceivedEvent<ErasureCompletedV1>, tx: EntityManager): Promise<void> {
    return this.erasure(event, tx);
  }

  private async fragment(event: ReceivedEvent<AccessFragmentV1>, tx: EntityManager): Promise<void> {
    assertAnswerOfSigner(event.producer, event.payload.service);
    try {
      await this.recordFragment.execute(event.payload, tx);
    } catch (error) {
      if (error instanceof UnusableFragmentError || error instanceof EnvelopeError) {
        throw new PermanentEventError('unusable-fragment', error.message);
      }
      if (
        error instanceof KeyServiceException &&
        error.code !== KeyServiceErrorCode.KeyUnwrapFailed
      ) {
        throw new PermanentEventError('unusable-fragment', `fragment key: ${error.message}`);
      }
      throw error;
    }
  }

  private erasure(event: ReceivedEvent<ErasureCompletedV1>, tx: EntityManager): Promise<void> {
    assertAnswerOfSigner(event.producer, event.payload.service);
    return this.recordErasure.execute(event.payload, tx);
  }
}

function assertAnswerOfSigner(producer: string, service: string): void {
  if (producer !== service) {
    throw new PermanentEventError(
      'wrong-service',
      `${producer} sent an answer in the name of ${service}`,
    );
  }
}
