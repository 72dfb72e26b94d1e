import type { StaffRole } from '#lumen/staff-access';
import type { StoredContactField } from '../../orders/domain/seal-contexts';

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

/**
 * The name each personal column is audited under, in the order the audit lists them; status is
 * not personal data. Only the columns a read actually opened are recorded.
 */
export const AUDITED_COLUMN_NAMES: Readonly<Record<StoredContactField, string>> = {
  customer_name: 'customer.name',
  customer_email: 'customer.email',
  customer_phone: 'customer.phone',
  delivery_address: 'delivery.address',
};
