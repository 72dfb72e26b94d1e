import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { flagUnused, isReviewOverdue, type ReviewedGrant } from '../domain/access-review';
import { AccessReviewLog, GrantSources, type SignOff } from './grant-sources';

export const REVIEW_INTERVAL_DAYS = Symbol('REVIEW_INTERVAL_DAYS');

export interface AccessReport {
  readonly generatedAt: string;
  readonly grants: ReviewedGrant[];
  readonly flagged: number;
  readonly lastReview: { signedOffBy: string; signedOffAt: string; reportSha256: string } | null;
  readonly reviewOverdue: boolean;
  readonly reviewIntervalDays: number;
}

/** The access review: who holds what on personal and payment data, what is stale, and sign-off. */
@Injectable()
export class AccessReview {
  constructor(
    private readonly sources: GrantSources,
    private readonly log: AccessReviewLog,
    @Inject(REVIEW_INTERVAL_DAYS) private readonly intervalDays: number,
  ) {}

  async report(now = new Date()): Promise<AccessReport> {
    const grants = (
      await Promise.all([
        this.sources.staffGrants(),
        this.sources.serviceKeyGrants(),
        this.sources.databaseGrants(),
      ])
    )
      .flat()
      .map((grant) => flagUnused(grant, now));
    const latest = await this.log.latest();
    return {
      generatedAt: now.toISOString(),
      grants,
      flagged: grants.filter((g) => g.unused).length,
      lastReview:
        latest === undefined
          ? null
          : {
              signedOffBy: latest.signedOffBy,
              signedOffAt: latest.signedOffAt.toISOString(),
              reportSha256: latest.reportSha256,
            },
      reviewOverdue: isReviewOverdue(latest?.signedOffAt ?? null, this.intervalDays, now),
      reviewIntervalDays: this.intervalDays,
    };
  }

  /** Signs off the report as it stands now; its hash is kept, so what was reviewed is provable. */
  async signOff(reviewer: string, notes: string, now = new Date()): Promise<SignOff> {
    const report = await this.report(now);
    const signOff: SignOff = {
      reviewId: randomUUID(),
      signedOffBy: reviewer,
      signedOffAt: now,
      reportSha256: createHash('sha256').update(JSON.stringify(report.grants)).digest('hex'),
      grantsTotal: report.grants.length,
      grantsFlagged: report.flagged,
      notes,
    };
    await this.log.record(signOff);
    return signOff;
  }
}
