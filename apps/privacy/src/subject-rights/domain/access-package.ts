import type {
  SubjectAccessCategory,
  SubjectAccessFragmentDocument,
  SubjectAccessItem,
  SubjectRightsResponder,
} from '#lumen/contracts';

/** A retention rule as the package shows it (from deploy/retention-schedule.json). */
export interface RetentionView {
  readonly category: string;
  readonly period: string | number;
  readonly trigger: string;
  readonly action: string;
  readonly basis: string;
}

export interface PackageSection {
  readonly category: SubjectAccessCategory | 'subject-rights-requests';
  /** The service that holds this data. */
  readonly heldBy: SubjectRightsResponder | 'privacy';
  readonly purposes: readonly string[];
  readonly legalBasis: string;
  readonly retention:
    RetentionView | { readonly category: string; readonly period: 'not in the schedule' };
  readonly source: string;
  readonly items: readonly SubjectAccessItem[];
}

export interface PackageRecipient {
  readonly recipient: string;
  readonly name?: string;
  readonly fields: readonly string[];
  readonly purpose: string;
  readonly at: string;
  readonly heldBy: string;
  readonly itemId: string;
  readonly orderId?: string;
}

/** Everything article 15 UK GDPR lists, for one customer, from every service. */
export interface AccessPackage {
  readonly packageVersion: 1;
  readonly requestId: string;
  readonly customerId: string;
  readonly receivedAt: string;
  readonly identityVerifiedAt: string;
  readonly dueOn: string;
  readonly generatedAt: string;
  readonly availableUntil: string;
  /** 15(1)(b): the data itself, by category. Each section carries (a), (d) and (g). */
  readonly sections: readonly PackageSection[];
  /** 15(1)(c): who received what, when and why. */
  readonly recipients: readonly PackageRecipient[];
  /** The privacy-policy version accepted with each order. */
  readonly policyVersions: readonly {
    readonly orderId: string;
    readonly placedAt: string;
    readonly policyVersion: string;
  }[];
  /**
   * Disclosures to authorities on the disclosure register, for the customer and each order,
   * except those a restriction (with a review date) still holds back.
   */
  readonly disclosures: readonly PackageDisclosure[];
  /** When and why staff looked at the data: dates, purpose and role, never names. */
  readonly staffAccess: readonly {
    readonly at: string;
    readonly role: string;
    readonly purpose: string;
    readonly what: string;
    readonly heldBy: string;
  }[];
  /** Which services answered, when, with how many records. */
  readonly answers: readonly {
    readonly service: SubjectRightsResponder;
    readonly answeredAt: string;
    readonly recordCount: number;
  }[];
  /** 15(1)(e), (f), (h) and 15(2): fixed facts of how Lumen processes data. */
  readonly yourRights: readonly string[];
  readonly automatedDecisionMaking: string;
  readonly transfersOutsideTheUk: string;
}

export interface PackageDisclosure {
  readonly disclosedAt: string;
  readonly requestingBody: string;
  readonly legalBasis: string;
  readonly scope: readonly string[];
  /** The pseudonymous subject disclosed (`order:<id>` or `customer:<id>`). */
  readonly subject: string;
  readonly orderId?: string;
}

export interface PrivacyOwnRecords {
  /** The e-mail on file, opened for the package; null once unreadable. */
  readonly emailOnFile: string | null;
  readonly emailOrderId: string | null;
  readonly orders: readonly { orderId: string; placedAt: Date; policyVersion: string }[];
  readonly requests: readonly {
    requestId: string;
    kind: string;
    receivedAt: Date;
    status: string;
    dueOn: string;
    completedAt: Date | null;
  }[];
  /** From the disclosure register, already filtered by its rule of what the subject is told. */
  readonly disclosures: readonly PackageDisclosure[];
  /** Staff reads from privacy's audit log; `heldBy` is the service that reported the read. */
  readonly staffAccess: readonly AccessPackage['staffAccess'][number][];
}

export const PRIVACY_SECTION_FACTS = {
  identity: {
    purposes: [
      'to send you the one-time code that proves who you are when you exercise your rights',
    ],
    legalBasis: 'legal obligation (UK GDPR articles 12 and 15 to 17: verifying the requester)',
    retentionCategory: 'customer-contact-directory',
    source: 'copied from your most recent order (checkout)',
  },
  requests: {
    purposes: ['to answer your requests within the legal deadline and to prove that we did'],
    legalBasis: 'legal obligation (UK GDPR article 5(2): accountability)',
    retentionCategory: 'subject-request-register',
    source: 'your requests to the privacy service',
  },
} as const;

const YOUR_RIGHTS = [
  'You may ask us to correct inaccurate data (article 16) or to erase it (article 17) through the privacy service.',
  'You may ask us to restrict processing (article 18) or object to it (article 21).',
  "You may complain to the Information Commissioner's Office: ico.org.uk, 0303 123 1113.",
];

export function assembleAccessPackage(input: {
  readonly requestId: string;
  readonly customerId: string;
  readonly receivedAt: Date;
  readonly identityVerifiedAt: Date;
  readonly dueOn: string;
  readonly generatedAt: Date;
  readonly availableUntil: Date;
  readonly fragments: readonly {
    readonly document: SubjectAccessFragmentDocument;
    readonly answeredAt: Date;
    readonly recordCount: number;
  }[];
  readonly own: PrivacyOwnRecords;
  readonly retention: (category: string) => RetentionView | undefined;
}): AccessPackage {
  const retentionOf = (category: string) =>
    input.retention(category) ?? { category, period: 'not in the schedule' as const };
  const sections: PackageSection[] = [];
  const recipients: PackageRecipient[] = [];
  const staffAccess: AccessPackage['staffAccess'][number][] = [...input.own.staffAccess];
  const policyVersions = new Map<string, AccessPackage['policyVersions'][number]>();
  for (const order of input.own.orders) {
    policyVersions.set(order.orderId, {
      orderId: order.orderId,
      placedAt: order.placedAt.toISOString(),
      policyVersion: order.policyVersion,
    });
  }

  const byService = [...input.fragments].sort((a, b) =>
    a.document.service.localeCompare(b.document.service),
  );
  for (const { document } of byService) {
    for (const section of document.sections) {
      sections.push({
        category: section.category,
        heldBy: document.service,
        purposes: section.purposes,
        legalBasis: section.legalBasis,
        retention: retentionOf(section.retentionCategory),
        source: section.source,
        items: section.items,
      });
      for (const item of section.items) {
        for (const recipient of item.recipients) {
          recipients.push({
            ...recipient,
            heldBy: document.service,
            itemId: item.itemId,
            ...(item.orderId !== undefined && { orderId: item.orderId }),
          });
        }
        if (item.orderId !== undefined && item.policyVersion !== undefined) {
          policyVersions.set(item.orderId, {
            orderId: item.orderId,
            placedAt: policyVersions.get(item.orderId)?.placedAt ?? item.recordedAt,
            policyVersion: item.policyVersion,
          });
        }
      }
    }
    for (const access of document.staffAccess)
      staffAccess.push({ ...access, heldBy: document.service });
  }

  if (input.own.emailOnFile !== null && input.own.emailOrderId !== null) {
    sections.push({
      category: 'identity-contact',
      heldBy: 'privacy',
      purposes: PRIVACY_SECTION_FACTS.identity.purposes,
      legalBasis: PRIVACY_SECTION_FACTS.identity.legalBasis,
      retention: retentionOf(PRIVACY_SECTION_FACTS.identity.retentionCategory),
      source: PRIVACY_SECTION_FACTS.identity.source,
      items: [
        {
          itemId: `customer:${input.customerId}`,
          orderId: input.own.emailOrderId,
          recordedAt:
            input.own.orders
              .find((o) => o.orderId === input.own.emailOrderId)
              ?.placedAt.toISOString() ?? input.generatedAt.toISOString(),
          data: { email: input.own.emailOnFile },
          unreadableFields: [],
          recipients: [],
        },
      ],
    });
  }
  sections.push({
    category: 'subject-rights-requests',
    heldBy: 'privacy',
    purposes: PRIVACY_SECTION_FACTS.requests.purposes,
    legalBasis: PRIVACY_SECTION_FACTS.requests.legalBasis,
    retention: retentionOf(PRIVACY_SECTION_FACTS.requests.retentionCategory),
    source: PRIVACY_SECTION_FACTS.requests.source,
    items: input.own.requests.map((request) => ({
      itemId: request.requestId,
      recordedAt: request.receivedAt.toISOString(),
      data: {
        kind: request.kind,
        status: request.status,
        dueOn: request.dueOn,
        completedAt: request.completedAt?.toISOString() ?? null,
      },
      unreadableFields: [],
      recipients: [],
    })),
  });

  for (const disclosure of input.own.disclosures) {
    recipients.push({
      recipient: disclosure.requestingBody,
      fields: disclosure.scope,
      purpose: `disclosure required by law: ${disclosure.legalBasis}`,
      at: disclosure.disclosedAt,
      heldBy: 'privacy',
      itemId: disclosure.subject,
      ...(disclosure.orderId !== undefined && { orderId: disclosure.orderId }),
    });
  }

  return {
    packageVersion: 1,
    requestId: input.requestId,
    customerId: input.customerId,
    receivedAt: input.receivedAt.toISOString(),
    identityVerifiedAt: input.identityVerifiedAt.toISOString(),
    dueOn: input.dueOn,
    generatedAt: input.generatedAt.toISOString(),
    availableUntil: input.availableUntil.toISOString(),
    sections,
    recipients: recipients.sort((a, b) => a.at.localeCompare(b.at)),
    policyVersions: [...policyVersions.values()].sort((a, b) =>
      a.placedAt.localeCompare(b.placedAt),
    ),
    disclosures: [...input.own.disclosures].sort((a, b) =>
      a.disclosedAt.localeCompare(b.disclosedAt),
    ),
    staffAccess: staffAccess.sort((a, b) => a.at.localeCompare(b.at)),
    answers: byService.map(({ document, answeredAt, recordCount }) => ({
      service: document.service,
      answeredAt: answeredAt.toISOString(),
      recordCount,
    })),
    yourRights: YOUR_RIGHTS,
    automatedDecisionMaking:
      'None: no decision about you is made by automated means, and no profile of you is built.',
    transfersOutsideTheUk:
      'Lumen itself sends none of your data outside the UK; the recipients above are every party that received any of it.',
  };
}
