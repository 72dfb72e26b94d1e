import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccessRequestedV1, SubjectErasedV1 } from '#lumen/contracts';
import { HandleEvent, type ReceivedEvent } from '#lumen/messaging';
import { AnswerAccessRequest } from '../application/answer-access-request.use-case';
import { EraseCustomer } from '../application/erase-customer.use-case';

/** The privacy service's requests about one customer, each applied once with its inbox row. */
@Injectable()
export class SubjectRightsConsumer {
  constructor(
    private readonly answerAccessRequest: AnswerAccessRequest,
    private readonly eraseCustomer: EraseCustomer,
  ) {}

  @HandleEvent('privacy.access.requested.v1')
  onAccessRequested(event: ReceivedEvent<AccessRequestedV1>, tx: EntityManager): Promise<void> {
    return this.answerAccessRequest.execute(tx, event.payload);
  }

  @HandleEvent('privacy.subject.erased.v1')
  async onSubjectErased(event: ReceivedEvent<SubjectErasedV1>, tx: EntityManager): Promise<void> {
    await this.eraseCustomer.execute(tx, event.payload);
  }
}
