import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { purgeProcessedInbox, purgePublishedOutbox, type RetentionTask } from '#lumen/retention';
import { SubjectRightsRepository } from './subject-rights.repository';

/** Copies of sent mail the service keeps (the local outbox folder), purged by age. */
export abstract class RetainedMail {
  abstract deleteOlderThan(cutoff: Date): Promise<number>;
  /** Erasure: every kept copy sent to `address`. */
  abstract deleteAddressedTo(address: string): Promise<number>;
}

/**
 * The privacy service's rows of deploy/retention-schedule.json, each as code for its own data.
 * The daily RetentionJob (libs/retention) computes the cutoff from the rule's period and refuses
 * to start if a rule naming privacy has no task here, or a task has no rule.
 */
@Injectable()
export class PrivacyRetentionTasks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SubjectRightsRepository,
    private readonly mail: RetainedMail,
  ) {}

  all(): RetentionTask[] {
    const { dataSource, repository, mail } = this;
    return [
      // Trigger `expired`: the package's download window closed `period` ago.
      { category: 'access-packages', apply: (cutoff) => repository.deleteExpiredPackages(cutoff) },
      {
        category: 'verification-codes',
        apply: (cutoff) => repository.purgeCodesExpiredBefore(cutoff),
      },
      {
        category: 'subject-request-register',
        apply: (cutoff) => repository.deleteRequestsClosedBefore(cutoff),
      },
      {
        category: 'customer-contact-directory',
        apply: (cutoff) => repository.deleteCustomersWithoutOrdersSince(cutoff),
      },
      {
        category: 'customer-mail',
        apply: (cutoff) => mail.deleteOlderThan(cutoff),
      },
      { category: 'outbox-published', apply: (cutoff) => purgePublishedOutbox(dataSource, cutoff) },
      { category: 'inbox-processed', apply: (cutoff) => purgeProcessedInbox(dataSource, cutoff) },
    ];
  }
}
