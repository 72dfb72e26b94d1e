import { CreateMessagingTables1764057600000 } from '#lumen/messaging';
import { CreatePaymentTables1764230400000 } from './migrations/1764230400000-create-payment-tables.migration';
import { AddPaymentRefunds1764230400001 } from './migrations/1764230400001-add-payment-refunds.migration';
import { AddPaymentCustomerLink1764910000000 } from './migrations/1764910000000-add-payment-customer-link.migration';

/** Every migration of the payment schema, in order: provisioning and the tests run these. */
export const PAYMENT_MIGRATIONS = [
  CreateMessagingTables1764057600000,
  CreatePaymentTables1764230400000,
  AddPaymentRefunds1764230400001,
  AddPaymentCustomerLink1764910000000,
] as const;
