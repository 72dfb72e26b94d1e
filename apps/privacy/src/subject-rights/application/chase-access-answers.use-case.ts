import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SUBJECT_RIGHTS_RESPONDERS, type LumenTopics } from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { MAX_CHASES } from '../domain/subject-request';
import { Clock } from './clock';
import { SubjectRightsRepository } from './subject-rights.repository';
import { SubjectRightsSettings } from './subject-rights.settings';

/**
 * After `answerBy`, the services that have not answered are recorded on the request and the
 * request is published again (services answer a repeated request idempotently). After
 * MAX_CHASES the request stays flagged with its missing services, for the privacy officer, in
 * the register; it is not chased further.
 */
@Injectable()
export class ChaseAccessAnswers {
  private readonly logger = new Logger(ChaseAccessAnswers.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SubjectRightsRepository,
    private readonly outbox: Outbox<LumenTopics>,
    private readonly clock: Clock,
    private readonly settings: SubjectRightsSettings,
  ) {}

  async execute(): Promise<{ chased: number; flagged: number }> {
    const now = this.clock.now();
    let chased = 0;
    let flagged = 0;
    for (const candidate of await this.repository.gatheringPastAnswerBy(now)) {
      await this.dataSource.transaction(async (tx) => {
        const request = await this.repository.findRequest(candidate.requestId, { tx, lock: true });
        if (request?.status !== 'gathering' || request.answerBy === null || request.answerBy >= now)
          return;
        const answered = new Set(
          (await this.repository.fragmentsOf(tx, request.requestId)).map((f) => f.service),
        );
        const missing = SUBJECT_RIGHTS_RESPONDERS.filter((service) => !answered.has(service));
        if (request.chaseCount >= MAX_CHASES) {
          await this.repository.updateRequest(tx, request.requestId, {
            missingServices: missing,
            answerBy: null,
          });
          this.logger.warn('access request flagged: services did not answer', {
            requestId: request.requestId,
            missing,
          });
          flagged += 1;
          return;
        }
        const answerBy = new Date(now.getTime() + this.settings.answerWindowMs);
        await this.repository.updateRequest(tx, request.requestId, {
          missingServices: missing,
          chaseCount: request.chaseCount + 1,
          answerBy,
        });
        await this.outbox.add(tx, 'privacy.access.requested.v1', request.requestId, {
          requestId: request.requestId,
          customerId: request.customerId,
          answerBy: answerBy.toISOString(),
          requestedAt: request.receivedAt.toISOString(),
        });
        chased += 1;
      });
    }
    return { chased, flagged };
  }
}
