/**
 * A disclosure to an authority: who asked, under which law, for which fields of whose data,
 * approved by two different people before anything leaves. It shows in the subject's access
 * package unless a restriction (with a date by which it is reviewed) holds it back.
 */
export const DISCLOSABLE_FIELDS = [
  'status',
  'contact.name',
  'contact.email',
  'contact.phone',
  'deliveryAddress',
] as const;
export type DisclosableField = (typeof DISCLOSABLE_FIELDS)[number];

export interface Disclosure {
  readonly disclosureId: string;
  readonly subject: string;
  readonly requestingBody: string;
  readonly legalBasis: string;
  readonly scope: readonly DisclosableField[];
  readonly reference: string;
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly approvals: readonly { readonly by: string; readonly at: Date }[];
  readonly exportedAt: Date | null;
  readonly restriction: { readonly until: string; readonly reason: string } | null;
}

export type ApprovalRefusal = 'already-approved-by-you' | 'fully-approved' | 'exported';

/** A second approval must come from someone else; a third is not needed. */
export function checkApproval(disclosure: Disclosure, approver: string): ApprovalRefusal | null {
  if (disclosure.exportedAt !== null) return 'exported';
  if (disclosure.approvals.length >= 2) return 'fully-approved';
  if (disclosure.approvals.some((a) => a.by === approver)) return 'already-approved-by-you';
  return null;
}

export function isApproved(disclosure: Disclosure): boolean {
  const approvers = new Set(disclosure.approvals.map((a) => a.by));
  return approvers.size >= 2;
}

/** Shown in the subject's access package unless a restriction still holds on `today`. */
export function isVisibleToSubject(disclosure: Disclosure, today: string): boolean {
  return disclosure.restriction === null || disclosure.restriction.until <= today;
}

/** Only the fields in scope, taken from the full record; nothing else is copied. */
export function scopedExport(
  record: Readonly<Record<string, unknown>>,
  scope: readonly DisclosableField[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of scope) {
    const [head, tail] = field.split('.') as [string, string | undefined];
    const value = record[head];
    if (tail === undefined) {
      if (value !== undefined) out[head] = value;
    } else if (typeof value === 'object' && value !== null && tail in value) {
      const nested = (out[head] ?? {}) as Record<string, unknown>;
      nested[tail] = (value as Record<string, unknown>)[tail];
      out[head] = nested;
    }
  }
  return out;
}
