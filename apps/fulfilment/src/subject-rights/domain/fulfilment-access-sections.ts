import type { SubjectAccessFragmentDocumentInput } from '#lumen/contracts';

type SectionInput = SubjectAccessFragmentDocumentInput['sections'][number];
export type SubjectAccessItemInput = SectionInput['items'][number];

/** What fulfilment says about the data it holds, for the customer's access package. */
export const FULFILMENT_SECTIONS = {
  deliveryAddress: {
    category: 'delivery-address',
    purposes: ['to hand your parcel to the carrier: the address is the only thing it receives'],
    legalBasis: 'contract: needed to deliver your order',
    retentionCategory: 'order-personal-data',
    source: 'your order (through checkout), sealed so that only fulfilment can read it',
  },
  shipments: {
    category: 'shipments',
    purposes: ['to deliver your order and follow its tracking'],
    legalBasis: 'contract: needed to deliver your order',
    retentionCategory: 'order-personal-data',
    source: 'your order (through checkout) and the carrier’s signed tracking updates',
  },
  eventsHistory: {
    category: 'events-history',
    purposes: ['to tell the shop’s other services how the delivery went'],
    legalBasis: 'contract: needed to process your order',
    retentionCategory: 'event-log',
    source: 'the fulfilment service and the carrier, about your shipments',
  },
} as const;

export function fulfilmentSections(
  items: Readonly<Record<keyof typeof FULFILMENT_SECTIONS, SubjectAccessItemInput[]>>,
): SectionInput[] {
  return (Object.keys(FULFILMENT_SECTIONS) as (keyof typeof FULFILMENT_SECTIONS)[])
    .filter((key) => items[key].length > 0)
    .map((key) => {
      const section = FULFILMENT_SECTIONS[key];
      return { ...section, purposes: [...section.purposes], items: items[key] };
    });
}

/** The fields of the address the carrier receives (libs/carrier's allow-list). */
export const CARRIER_ADDRESS_FIELDS = [
  'recipientName',
  'lines',
  'city',
  'region',
  'postcode',
  'country',
];
