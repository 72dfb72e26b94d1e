import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SUBJECT_RIGHTS_RESPONDERS, type AccessFragmentV1 } from '#lumen/contracts';
import { AssembleAccessPackage } from './assemble-access-package';
import { OpenFragment } from './open-fragment';
import { SubjectRightsRepository } from './subject-rights.repository';

/**
 * Keeps a service's answer to an access request (sealed, as it came) once it has been opened
 * and checked; when the last of the three arrives, the package is assembled in the same
 * transaction. An answer to a request this service no longer has (purged, or an erased
 * customer's) carries nothing to act on and is dropped.
 */
@Injectable()
export class RecordAccessFragment {
  private readonly logger = new Logger(RecordAccessFragment.name);

  constructor(
    private readonly repository: SubjectRightsRepository,
    private readonly openFragment: OpenFragment,
    private readonly assemble: AssembleAccessPackage,
  ) {}

  async execute(answer: AccessFragmentV1, tx: EntityManager): Promise<void> {
    const request = await this.repository.findRequest(answer.requestId, { tx, lock: true });
    if (request?.kind !== 'access' || request.status !== 'gathering') {
      this.logger.log('access answer for no gathering request dropped', {
        requestId: answer.requestId,
        service: answer.service,
      });
      return;
    }
    await this.openFragment.execute(answer.fragment, {
      requestId: request.requestId,
      service: answer.service,
      customerId: request.customerId,
    });
    const inserted = await this.repository.insertFragment(tx, request.requestId, {
      service: answer.service,
      sealedFragment: answer.fragment,
      recordCount: answer.recordCount,
      answeredAt: new Date(answer.answeredAt),
    });
    if (!inserted) return;
    const answered = new Set(
      (await this.repository.fragmentsOf(tx, request.requestId)).map((f) => f.service),
    );
    if (SUBJECT_RIGHTS_RESPONDERS.every((service) => answered.has(service))) {
      await this.assemble.execute(request, tx);
    }
  }
}
