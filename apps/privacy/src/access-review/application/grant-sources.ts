import type { Grant } from '../domain/access-review';

/** Everything that can hold a grant on personal or payment data, each from where it lives. */
export abstract class GrantSources {
  abstract staffGrants(): Promise<Grant[]>;
  abstract serviceKeyGrants(): Promise<Grant[]>;
  abstract databaseGrants(): Promise<Grant[]>;
}

export interface SignOff {
  readonly reviewId: string;
  readonly signedOffBy: string;
  readonly signedOffAt: Date;
  readonly reportSha256: string;
  readonly grantsTotal: number;
  readonly grantsFlagged: number;
  readonly notes: string;
}

export abstract class AccessReviewLog {
  abstract record(signOff: SignOff): Promise<void>;
  abstract latest(): Promise<SignOff | undefined>;
}
