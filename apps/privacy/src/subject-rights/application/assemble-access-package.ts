import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLog } from '../../audit/application/audit-log';
import { Disclosures } from '../../disclosures/application/disclosures.use-cases';
import {
  assembleAccessPackage,
  type AccessPackage,
  type PackageDisclosure,
} from '../domain/access-package';
import { renderAccessPackageHtml } from '../domain/access-package.html';
import type { SubjectRequest } from '../domain/subject-request';
import { Clock } from './clock';
import { EmailOnFile } from './email-on-file';
import { OpenFragment } from './open-fragment';
import { PrivacyKeys } from './privacy-keys';
import { RetentionRules } from './retention-rules';
import { SubjectRightsRepository } from './subject-rights.repository';
import { SubjectRightsSettings } from './subject-rights.settings';

export const PACKAGE_KEY_PURPOSE = 'subject-access-package';

export function packageSealContext(requestId: string, format: 'json' | 'html') {
  return { field: `privacy.access.package.${format}`, subject: `request:${requestId}` };
}

/**
 * One package from every service's answer and the privacy service's own records, as JSON and
 * as a page, sealed at rest under a key of its own (destroyed when the customer is erased). The
 * fragments go once the package holds them; the customer's link now opens the package.
 */
@Injectable()
export class AssembleAccessPackage {
  constructor(
    private readonly repository: SubjectRightsRepository,
    private readonly openFragment: OpenFragment,
    private readonly emailOnFile: EmailOnFile,
    private readonly keys: PrivacyKeys,
    private readonly retention: RetentionRules,
    private readonly clock: Clock,
    private readonly settings: SubjectRightsSettings,
    private readonly disclosures: Disclosures,
    private readonly auditLog: AuditLog,
  ) {}

  async execute(request: SubjectRequest, tx: EntityManager): Promise<void> {
    const now = this.clock.now();
    const availableUntil = new Date(now.getTime() + this.settings.linkTtlMs);
    const stored = await this.repository.fragmentsOf(tx, request.requestId);
    const fragments = await Promise.all(
      stored.map(async (fragment) => ({
        document: await this.openFragment.execute(fragment.sealedFragment, {
          requestId: request.requestId,
          service: fragment.service,
          customerId: request.customerId,
        }),
        answeredAt: fragment.answeredAt,
        recordCount: fragment.recordCount,
      })),
    );
    const onFile = await this.emailOnFile.of(request.customerId);
    const orders = await this.repository.ordersOf(request.customerId, tx);
    const subjects = [
      { subject: `customer:${request.customerId}` },
      ...orders.map((o) => ({ subject: `order:${o.orderId}`, orderId: o.orderId })),
    ];
    const pkg = assembleAccessPackage({
      requestId: request.requestId,
      customerId: request.customerId,
      receivedAt: request.receivedAt,
      identityVerifiedAt: request.identityVerifiedAt ?? now,
      dueOn: request.dueOn,
      generatedAt: now,
      availableUntil,
      fragments,
      own: {
        emailOnFile: onFile?.email ?? null,
        emailOrderId: onFile?.orderId ?? null,
        orders,
        requests: (await this.repository.requestsOf(request.customerId, tx)).map((r) => ({
          requestId: r.requestId,
          kind: r.kind,
          receivedAt: r.receivedAt,
          status: r.requestId === request.requestId ? 'completed' : r.status,
          dueOn: r.dueOn,
          completedAt: r.requestId === request.requestId ? now : r.completedAt,
        })),
        disclosures: await this.disclosuresAbout(subjects, now),
        staffAccess: await this.staffReadsOf(subjects),
      },
      retention: (category) => this.retention.of(category),
    });
    const subject = `request:${request.requestId}`;
    const sealedJson = await this.keys.seal(
      JSON.stringify(pkg),
      PACKAGE_KEY_PURPOSE,
      subject,
      packageSealContext(request.requestId, 'json'),
    );
    const sealedHtml = await this.keys.seal(
      renderAccessPackageHtml(pkg),
      PACKAGE_KEY_PURPOSE,
      subject,
      packageSealContext(request.requestId, 'html'),
    );
    await this.repository.insertPackage(tx, {
      requestId: request.requestId,
      sealedJson,
      sealedHtml,
      createdAt: now,
      expiresAt: availableUntil,
    });
    await this.repository.updateRequest(tx, request.requestId, {
      status: 'completed',
      completedAt: now,
      linkExpiresAt: availableUntil,
      missingServices: [],
    });
  }

  /** The register's own rule decides what the subject is told (restricted ones held back). */
  private async disclosuresAbout(
    subjects: readonly { subject: string; orderId?: string }[],
    now: Date,
  ): Promise<PackageDisclosure[]> {
    const out: PackageDisclosure[] = [];
    for (const { subject, orderId } of subjects) {
      for (const d of await this.disclosures.forAccessPackage(subject, now)) {
        if (d.disclosedAt === null) continue;
        out.push({
          disclosedAt: d.disclosedAt,
          requestingBody: d.requestingBody,
          legalBasis: d.legalBasis,
          scope: d.scope,
          subject,
          ...(orderId !== undefined && { orderId }),
        });
      }
    }
    return out;
  }

  /**
   * Granted staff reads from the hash-chained audit log: when, role, purpose and which fields,
   * never who. Reads made to answer a disclosure are left out: a disclosure the subject may be
   * told of is listed in its own section, and a restricted one must not show here either.
   */
  private async staffReadsOf(
    subjects: readonly { subject: string }[],
  ): Promise<AccessPackage['staffAccess'][number][]> {
    const out: AccessPackage['staffAccess'][number][] = [];
    for (const { subject } of subjects) {
      for (const entry of await this.auditLog.entriesAbout(subject)) {
        if (entry.principalKind !== 'staff' || entry.outcome !== 'granted') continue;
        if (entry.purpose === 'legal-disclosure') continue;
        out.push({
          at: entry.recordedAt.toISOString(),
          role: entry.role ?? 'staff',
          purpose: entry.purpose ?? 'not stated',
          what: entry.fields.join(', '),
          heldBy: entry.reporter,
        });
      }
    }
    return out;
  }
}
