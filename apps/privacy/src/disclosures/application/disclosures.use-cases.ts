import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PersonalDataAuditLog } from '#lumen/staff-access';
import { StaffErrorCode, StaffException } from '../../staff/domain/staff.exception';
import {
  checkApproval,
  isApproved,
  isVisibleToSubject,
  scopedExport,
  type DisclosableField,
  type Disclosure,
} from '../domain/disclosure';
import { DisclosureRepository, SubjectDataSource } from './disclosure.repository';

export interface RecordDisclosureInput {
  readonly subject: string;
  readonly requestingBody: string;
  readonly legalBasis: string;
  readonly scope: readonly DisclosableField[];
  readonly reference: string;
  readonly restriction?: { readonly until: string; readonly reason: string } | undefined;
}

/** The disclosure register: record, approve twice, export the scope only, report to the subject. */
@Injectable()
export class Disclosures {
  constructor(
    private readonly disclosures: DisclosureRepository,
    private readonly source: SubjectDataSource,
    private readonly audit: PersonalDataAuditLog,
  ) {}

  async record(
    input: RecordDisclosureInput,
    requestedBy: string,
    now = new Date(),
  ): Promise<Disclosure> {
    const disclosure: Disclosure = {
      disclosureId: randomUUID(),
      subject: input.subject,
      requestingBody: input.requestingBody,
      legalBasis: input.legalBasis,
      scope: [...new Set(input.scope)],
      reference: input.reference,
      requestedBy,
      requestedAt: now,
      approvals: [],
      exportedAt: null,
      restriction: input.restriction ?? null,
    };
    await this.disclosures.insert(disclosure);
    return disclosure;
  }

  async approve(disclosureId: string, approver: string, now = new Date()): Promise<Disclosure> {
    const disclosure = await this.get(disclosureId);
    const refusal = checkApproval(disclosure, approver);
    if (refusal !== null) {
      throw new StaffException(
        refusal === 'already-approved-by-you' ? StaffErrorCode.Forbidden : StaffErrorCode.Conflict,
        refusal === 'already-approved-by-you'
          ? 'A disclosure needs two different approvers; ask another privacy officer'
          : `This disclosure is ${refusal}`,
      );
    }
    const position = disclosure.approvals.length === 0 ? 1 : 2;
    if (!(await this.disclosures.addApproval(disclosureId, approver, now, position))) {
      throw new StaffException(
        StaffErrorCode.Conflict,
        'Someone approved at the same moment; reload',
      );
    }
    return this.get(disclosureId);
  }

  async export(
    disclosureId: string,
    principal: { id: string; role: 'privacy-officer' },
    now = new Date(),
  ): Promise<{
    disclosureId: string;
    subject: string;
    scope: readonly string[];
    data: Record<string, unknown>;
  }> {
    const disclosure = await this.get(disclosureId);
    if (!isApproved(disclosure)) {
      throw new StaffException(
        StaffErrorCode.Conflict,
        'Two different privacy officers must approve before export',
      );
    }
    const record = await this.source.read(disclosure.subject, `disclosure:${disclosureId}`);
    if (record === undefined) {
      throw new StaffException(StaffErrorCode.NotFound, `No data held for ${disclosure.subject}`);
    }
    const data = scopedExport(record, disclosure.scope);
    // Recorded before it is handed over: an unrecorded disclosure does not happen.
    await this.audit.record({
      principalKind: 'staff',
      principalId: principal.id,
      role: principal.role,
      subject: disclosure.subject,
      fields: [...disclosure.scope],
      purpose: 'legal-disclosure',
      reference: `disclosure:${disclosureId}`,
      outcome: 'granted',
      reason: null,
    });
    await this.disclosures.markExported(disclosureId, now);
    return { disclosureId, subject: disclosure.subject, scope: disclosure.scope, data };
  }

  async restrict(
    disclosureId: string,
    restriction: { until: string; reason: string } | null,
  ): Promise<Disclosure> {
    await this.get(disclosureId);
    await this.disclosures.restrict(disclosureId, restriction);
    return this.get(disclosureId);
  }

  /** The disclosures section of a subject access package. */
  async forAccessPackage(subject: string, now = new Date()) {
    const today = now.toISOString().slice(0, 10);
    const all = await this.disclosures.aboutSubject(subject);
    return all
      .filter((d) => d.exportedAt !== null && isVisibleToSubject(d, today))
      .map((d) => ({
        disclosedAt: d.exportedAt?.toISOString() ?? null,
        requestingBody: d.requestingBody,
        legalBasis: d.legalBasis,
        scope: d.scope,
      }));
  }

  async get(disclosureId: string): Promise<Disclosure> {
    const disclosure = await this.disclosures.find(disclosureId);
    if (disclosure === undefined)
      throw new StaffException(StaffErrorCode.NotFound, 'No such disclosure');
    return disclosure;
  }
}
