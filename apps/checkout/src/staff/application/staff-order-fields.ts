import type { StaffRole } from '#lumen/staff-access';

/**
 * What each role sees of an order. Support answers the customer (contact and address);
 * fulfilment sees where it goes and nothing more; operations see how it is doing and no
 * personal data at all; the privacy officer sees everything, for access requests and lawful
 * disclosures. A service (privacy, assembling an access package) sees everything too.
 */
export const ORDER_FIELDS = ['status', 'contact', 'deliveryAddress'] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

export const ORDER_FIELDS_BY_ROLE: Readonly<Record<StaffRole, readonly OrderField[]>> = {
  support: ['status', 'contact', 'deliveryAddress'],
  fulfilment: ['deliveryAddress'],
  operations: ['status'],
  'privacy-officer': ['status', 'contact', 'deliveryAddress'],
};

/** The audit names personal fields only; status is not personal data. */
export const AUDITED_FIELD_NAMES: Readonly<Record<OrderField, readonly string[]>> = {
  status: [],
  contact: ['customer.name', 'customer.email', 'customer.phone'],
  deliveryAddress: ['delivery.address'],
};
