import type { Disclosure } from '../domain/disclosure';

export abstract class DisclosureRepository {
  abstract insert(disclosure: Disclosure): Promise<void>;
  abstract find(disclosureId: string): Promise<Disclosure | undefined>;
  abstract aboutSubject(subject: string): Promise<Disclosure[]>;
  /** Adds an approval unless someone else got there first; false when it lost the race. */
  abstract addApproval(
    disclosureId: string,
    approver: string,
    at: Date,
    position: 1 | 2,
  ): Promise<boolean>;
  abstract markExported(disclosureId: string, at: Date): Promise<void>;
  abstract restrict(
    disclosureId: string,
    restriction: { until: string; reason: string } | null,
  ): Promise<void>;
}

/** Where the data of a subject comes from: the service that owns it, asked as `privacy`. */
export abstract class SubjectDataSource {
  abstract read(subject: string, reference: string): Promise<Record<string, unknown> | undefined>;
}
