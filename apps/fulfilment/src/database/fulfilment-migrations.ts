import { CreateMessagingTables1764057600000 } from '#lumen/messaging';
import { CreateShipmentTables1764316800000 } from './migrations/1764316800000-create-shipment-tables.migration';
import { AddTrackingChecks1764316800001 } from './migrations/1764316800001-add-tracking-checks.migration';
import { AddShipmentTraceContext1764316800002 } from './migrations/1764316800002-add-shipment-trace-context.migration';
import { AddOrderCustomerLink1764910000000 } from './migrations/1764910000000-add-order-customer-link.migration';

/** Every migration of the fulfilment schema, in order: provisioning and the tests run these. */
export const FULFILMENT_MIGRATIONS = [
  CreateMessagingTables1764057600000,
  CreateShipmentTables1764316800000,
  AddTrackingChecks1764316800001,
  AddShipmentTraceContext1764316800002,
  AddOrderCustomerLink1764910000000,
] as const;
