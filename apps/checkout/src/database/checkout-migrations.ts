import { CreateMessagingTables1764057600000 } from '#lumen/messaging';
import { CreateOrderTables1764230400000 } from './migrations/1764230400000-create-order-tables.migration';
import { SeedPrivacyPolicy1764230400001 } from './migrations/1764230400001-seed-privacy-policy.migration';
import { AddOrderProgress1764230400002 } from './migrations/1764230400002-add-order-progress.migration';
import { AddPersonalDataRemoval1764910000000 } from './migrations/1764910000000-add-personal-data-removal.migration';

/** Every migration of the checkout schema, in order: provisioning and the tests run these. */
export const CHECKOUT_MIGRATIONS = [
  CreateMessagingTables1764057600000,
  CreateOrderTables1764230400000,
  SeedPrivacyPolicy1764230400001,
  AddOrderProgress1764230400002,
  AddPersonalDataRemoval1764910000000,
] as const;
