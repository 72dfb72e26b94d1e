import { z } from 'zod';
import {
  SUBJECT_RIGHTS_RESPONDERS,
  type SubjectRightsResponder,
} from './topics/privacy-subject-rights.v1';

/**
 * The document a service seals into `<service>.access.fragment.v1` (field `fragment`): its whole
 * answer to a subject access request, from its own data. The privacy service opens the fragments
 * of checkout, payment and fulfilment and assembles them into one package (UK GDPR article 15).
 *
 * Seal it as `JSON.stringify(document)` with context
 * `{ field: 'privacy.access.fragment', subject: 'request:<requestId>' }` under a data key of
 * purpose `subject-access`, subject `request:<requestId>:<service>` (one key per answering
 * service: the key service keeps one live key per subject and purpose, and each service shares
 * its own with privacy alone), allowedServices [<service>, 'privacy'].
 *
 * Everything inside is in the clear once opened: the decrypted values are the point of the
 * package. A value whose key was destroyed (the card token after payment) is not an error: list
 * the field under `unreadableFields` so the customer learns it was held and is now unreadable.
 */

/** The sections of the package; a service fills the ones it holds data for. */
export const SUBJECT_ACCESS_CATEGORIES = [
  'identity-contact',
  'delivery-address',
  'order-history',
  'payment-records',
  'shipments',
  'events-history',
] as const;
export type SubjectAccessCategory = (typeof SUBJECT_ACCESS_CATEGORIES)[number];

const datetime = z.iso.datetime({ offset: true });
const words = (max: number) => z.string().min(1).max(max);

/**
 * A JSON value holding the decrypted personal data of one item. Kept as plain JSON so each
 * service describes its own records without this contract listing every column.
 */
const itemDataSchema = z.record(z.string().min(1).max(100), z.json());

/** Who received (part of) this item, when and why: "the carrier got the delivery address". */
export const subjectAccessRecipientSchema = z.strictObject({
  /** The kind of recipient, in words a customer understands ('carrier', 'payment gateway'). */
  recipient: words(100),
  /** Which one, when known (the carrier's or gateway's name). */
  name: words(100).optional(),
  /** The fields it received, named as in `data` ('deliveryAddress', 'cardToken'). */
  fields: z.array(words(100)).min(1).max(50),
  purpose: words(300),
  at: datetime,
});
export type SubjectAccessRecipient = z.infer<typeof subjectAccessRecipientSchema>;

export const subjectAccessItemSchema = z.strictObject({
  /** The record's own id in the answering service (order id, shipment id, event id). */
  itemId: words(200),
  /** The order it belongs to, when it belongs to one. */
  orderId: z.uuid().optional(),
  /** The privacy-policy version the customer accepted with that order (order-history items). */
  policyVersion: words(100).optional(),
  recordedAt: datetime,
  /** The personal data itself, decrypted. */
  data: itemDataSchema,
  /** Fields held but no longer readable because their key was destroyed (crypto-shredded). */
  unreadableFields: z.array(words(100)).max(50).default([]),
  recipients: z.array(subjectAccessRecipientSchema).max(50).default([]),
});
export type SubjectAccessItem = z.infer<typeof subjectAccessItemSchema>;

export const subjectAccessSectionSchema = z.strictObject({
  category: z.enum(SUBJECT_ACCESS_CATEGORIES),
  /** Why this data is processed, in plain words (article 15(1)(a)). */
  purposes: z.array(words(300)).min(1).max(20),
  /** The lawful basis, in plain words ('contract', 'legal obligation: tax records'). */
  legalBasis: words(200),
  /** The retention category in deploy/retention-schedule.json (article 15(1)(d)). */
  retentionCategory: words(100),
  /** Where the data came from (article 15(1)(g)): 'you, through the storefront at checkout'. */
  source: words(300),
  items: z.array(subjectAccessItemSchema).max(10_000),
});
export type SubjectAccessSection = z.infer<typeof subjectAccessSectionSchema>;

/** A member of staff looked at this customer's data: dates, purpose and role; never a name. */
export const subjectAccessStaffAccessSchema = z.strictObject({
  at: datetime,
  role: words(100),
  purpose: words(300),
  /** What was looked at, in words ('order contact details'). */
  what: words(300),
});
export type SubjectAccessStaffAccess = z.infer<typeof subjectAccessStaffAccessSchema>;

export const subjectAccessFragmentDocumentSchema = z.strictObject({
  schemaVersion: z.literal(1),
  requestId: z.uuid(),
  service: z.enum(SUBJECT_RIGHTS_RESPONDERS),
  customerId: z.string().min(1).max(100),
  generatedAt: datetime,
  /** One section per category the service holds; an empty list means it holds nothing. */
  sections: z.array(subjectAccessSectionSchema).max(SUBJECT_ACCESS_CATEGORIES.length),
  staffAccess: z.array(subjectAccessStaffAccessSchema).max(10_000).default([]),
});
export type SubjectAccessFragmentDocument = z.infer<typeof subjectAccessFragmentDocumentSchema>;
/** What a service builds; defaults (empty lists) may be left out. */
export type SubjectAccessFragmentDocumentInput = z.input<
  typeof subjectAccessFragmentDocumentSchema
>;

/** The seal context and key of a fragment, so both sides state them the same way. */
export const subjectAccessFragmentSeal = {
  keyPurpose: 'subject-access',
  keySubject: (requestId: string, service: SubjectRightsResponder): string =>
    `request:${requestId}:${service}`,
  context: (requestId: string): { field: string; subject: string } => ({
    field: 'privacy.access.fragment',
    subject: `request:${requestId}`,
  }),
} as const;

/** The number to put in the event's `recordCount`: every item of every section. */
export function subjectAccessRecordCount(document: SubjectAccessFragmentDocumentInput): number {
  return document.sections.reduce((total, section) => total + section.items.length, 0);
}
