import type { SubjectAccessFragmentDocumentInput } from '#lumen/contracts';

type SectionInput = SubjectAccessFragmentDocumentInput['sections'][number];
export type SubjectAccessItemInput = SectionInput['items'][number];

/** What payment says about the data it holds, for the customer's access package. */
export const PAYMENT_SECTIONS = {
  paymentRecords: {
    category: 'payment-records',
    purposes: [
      'to take the payment for your order through the payment gateway',
      'to refund it when the order cannot be delivered',
      'to keep the accounting records the law requires',
    ],
    legalBasis: 'contract; legal obligation (accounting records)',
    retentionCategory: 'accounting-records',
    source: 'your order (through checkout) and the payment gateway’s signed answers',
  },
  eventsHistory: {
    category: 'events-history',
    purposes: ['to tell the shop’s other services how the payment went'],
    legalBasis: 'contract: needed to process your order',
    retentionCategory: 'event-log',
    source: 'the payment service, about your payments',
  },
} as const;

export function paymentSections(
  items: Readonly<Record<keyof typeof PAYMENT_SECTIONS, SubjectAccessItemInput[]>>,
): SectionInput[] {
  return (Object.keys(PAYMENT_SECTIONS) as (keyof typeof PAYMENT_SECTIONS)[])
    .filter((key) => items[key].length > 0)
    .map((key) => {
      const section = PAYMENT_SECTIONS[key];
      return { ...section, purposes: [...section.purposes], items: items[key] };
    });
}
