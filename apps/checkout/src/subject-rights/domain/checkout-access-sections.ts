import type { SubjectAccessFragmentDocumentInput } from '#lumen/contracts';

type SectionInput = SubjectAccessFragmentDocumentInput['sections'][number];
export type SubjectAccessItemInput = SectionInput['items'][number];

const FROM_YOU = 'you, through the shop’s storefront, when you placed the order';

/**
 * What checkout says about each kind of data it holds: why, on what basis, for how long (the
 * category in deploy/retention-schedule.json) and where it came from. The wording is read by
 * the customer in their access package.
 */
export const CHECKOUT_SECTIONS = {
  identityContact: {
    category: 'identity-contact',
    purposes: [
      'to process your order and tell you that it was accepted',
      'to answer your questions about the order',
    ],
    legalBasis: 'contract: needed to process your order',
    retentionCategory: 'order-personal-data',
    source: FROM_YOU,
  },
  deliveryAddress: {
    category: 'delivery-address',
    purposes: ['to deliver your order: fulfilment passes it to the carrier and nothing else'],
    legalBasis: 'contract: needed to deliver your order',
    retentionCategory: 'order-personal-data',
    source: FROM_YOU,
  },
  orderHistory: {
    category: 'order-history',
    purposes: ['to process your order', 'to keep the accounting records the law requires'],
    legalBasis: 'contract; legal obligation (accounting records)',
    retentionCategory: 'accounting-records',
    source: FROM_YOU,
  },
  eventsHistory: {
    category: 'events-history',
    purposes: ['to pass your order between the shop’s services (payment, fulfilment)'],
    legalBasis: 'contract: needed to process your order',
    retentionCategory: 'event-log',
    source: 'the shop’s own services, about your orders',
  },
} as const;

export type CheckoutSectionKey = keyof typeof CHECKOUT_SECTIONS;

/** The sections that hold at least one item, in the package's order. */
export function nonEmptySections(
  items: Readonly<Record<CheckoutSectionKey, SubjectAccessItemInput[]>>,
): SectionInput[] {
  return (Object.keys(CHECKOUT_SECTIONS) as CheckoutSectionKey[])
    .filter((key) => items[key].length > 0)
    .map((key) => {
      const section = CHECKOUT_SECTIONS[key];
      return { ...section, purposes: [...section.purposes], items: items[key] };
    });
}
