import { z } from 'zod';
import { sealedValueSchema } from '../sealed-value';
import { DAY_MS, defineTopic, type TopicDefinition } from '../topic-definition';

/**
 * The scatter-gather of the customer's rights (UK GDPR articles 15 and 17) across services.
 *
 * The privacy service asks (`privacy.access.requested.v1`, `privacy.subject.erased.v1`); every
 * service that holds data answers on a topic of its own (`<service>.access.fragment.v1`,
 * `<service>.erasure.completed.v1`). One topic per answering service rather than one shared
 * `privacy.access.fragment.v1`: a topic has exactly one owner, so a consumer can refuse an
 * event from any other signer (docs/adr/0004), and no service can pose as another's answer.
 *
 * Nothing personal travels in the clear: the request names the customer by the storefront's
 * opaque customer id, and a fragment is one sealed JSON document that only the privacy
 * service can open (a data key of purpose `subject-access`, subject `request:<requestId>`,
 * created by the answering service with `allowedServices: [<service>, 'privacy']`).
 */

/** The services that hold personal data and answer subject-rights requests. */
export const SUBJECT_RIGHTS_RESPONDERS = ['checkout', 'payment', 'fulfilment'] as const;
export type SubjectRightsResponder = (typeof SUBJECT_RIGHTS_RESPONDERS)[number];

const customerIdSchema = z.string().min(1).max(100);

export const accessRequestedV1Schema = z.strictObject({
  requestId: z.uuid(),
  /** The storefront's customer id; keys are held under subject `customer:<customerId>`. */
  customerId: customerIdSchema,
  /** Answer by this time; the privacy service chases or flags the missing answers after it. */
  answerBy: z.iso.datetime({ offset: true }),
  requestedAt: z.iso.datetime({ offset: true }),
});
export type AccessRequestedV1 = z.infer<typeof accessRequestedV1Schema>;

export const accessRequestedV1 = defineTopic({
  name: 'privacy.access.requested.v1',
  owner: 'privacy',
  partitions: 3,
  retentionMs: 7 * DAY_MS,
  cleanupPolicy: 'delete',
  schema: accessRequestedV1Schema,
  description: 'A verified subject access request: every service answers with its fragment.',
});

export const accessFragmentV1Schema = z.strictObject({
  requestId: z.uuid(),
  service: z.enum(SUBJECT_RIGHTS_RESPONDERS),
  /**
   * The service's fragment as one JSON document, sealed with context
   * `{ field: 'privacy.access.fragment', subject: 'request:<requestId>' }`.
   */
  fragment: sealedValueSchema,
  /** How many records the fragment holds, so a package can say "none held" without opening it. */
  recordCount: z.number().int().nonnegative(),
  answeredAt: z.iso.datetime({ offset: true }),
});
export type AccessFragmentV1 = z.infer<typeof accessFragmentV1Schema>;

export const subjectErasedV1Schema = z.strictObject({
  requestId: z.uuid(),
  customerId: customerIdSchema,
  /** Data keys the key service destroyed for this customer (crypto-shredding). */
  keysDestroyed: z.array(z.string().min(1)).max(10_000),
  erasedAt: z.iso.datetime({ offset: true }),
});
export type SubjectErasedV1 = z.infer<typeof subjectErasedV1Schema>;

export const subjectErasedV1 = defineTopic({
  name: 'privacy.subject.erased.v1',
  owner: 'privacy',
  partitions: 3,
  retentionMs: 7 * DAY_MS,
  cleanupPolicy: 'delete',
  schema: subjectErasedV1Schema,
  description: "A customer's data keys were destroyed: every service masks or deletes their rows.",
});

export const erasureCompletedV1Schema = z.strictObject({
  requestId: z.uuid(),
  service: z.enum(SUBJECT_RIGHTS_RESPONDERS),
  /** What the service processed, e.g. `{ store: 'checkout.orders', action: 'masked', count: 3 }`. */
  stores: z
    .array(
      z.strictObject({
        store: z.string().min(1).max(200),
        action: z.enum(['deleted', 'masked', 'kept-by-law', 'none-held']),
        count: z.number().int().nonnegative(),
      }),
    )
    .max(100),
  completedAt: z.iso.datetime({ offset: true }),
});
export type ErasureCompletedV1 = z.infer<typeof erasureCompletedV1Schema>;

function answerTopics<P>(
  event: 'access.fragment' | 'erasure.completed',
  schema: z.ZodType<P>,
  description: string,
): Record<SubjectRightsResponder, TopicDefinition<P>> {
  const topic = (service: SubjectRightsResponder) =>
    defineTopic({
      name: `${service}.${event}.v1`,
      owner: service,
      partitions: 3,
      retentionMs: 7 * DAY_MS,
      cleanupPolicy: 'delete',
      schema,
      description,
    });
  return {
    checkout: topic('checkout'),
    payment: topic('payment'),
    fulfilment: topic('fulfilment'),
  };
}

export const accessFragmentV1 = answerTopics(
  'access.fragment',
  accessFragmentV1Schema,
  "A service's sealed answer to a subject access request.",
);

export const erasureCompletedV1 = answerTopics(
  'erasure.completed',
  erasureCompletedV1Schema,
  'A service finished erasing a customer: what it deleted, masked or kept by law.',
);
