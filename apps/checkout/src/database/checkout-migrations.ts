import { CreateMessagingTables1764057600000 } from '#lumen/messaging';
import { CreateOrderTables1764230400000 } from './migrations/1764230400000-create-order-tables.migration';
import { SeedPrivacyPolicy1764230400001 } from './migrations/1764230400001-seed-privacy-policy.migration';

/** Every migration of the checkout schema, in order: provisioning and the tests run these. */
export const CHECKOUT_MIGRATIONS = [
  CreateMessagingTables1764057600000,
  CreateOrderTables1764230400000,
  SeedPrivacyPolicy1764230400001,
] as const;
