import { SERVICE_NAMES, type ServiceName } from '#lumen/contracts';
import { CHECKOUT_MIGRATIONS } from '../../apps/checkout/src/database/checkout-migrations';
import { FULFILMENT_MIGRATIONS } from '../../apps/fulfilment/src/database/fulfilment-migrations';
import { PAYMENT_MIGRATIONS } from '../../apps/payment/src/database/payment-migrations';
import { PRIVACY_MIGRATIONS } from '../../apps/privacy/src/database/privacy-migrations';

/**
 * What each service owns in PostgreSQL: its own schema, owned by its own role, and the
 * migrations that build it. A service connects as its role, so it cannot reach another
 * service's tables (docs/adr/0003-one-schema-and-role-per-service.md). Each app adds its
 * own migrations here as it is built; every service keeps an outbox and an inbox.
 */
export interface ServiceDatabase {
  readonly service: ServiceName;
  readonly schema: string;
  readonly role: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: readonly Function[];
}

// One line per service: each app exports its own ordered list (messaging tables first).
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const MIGRATIONS: Record<ServiceName, readonly Function[]> = {
  checkout: CHECKOUT_MIGRATIONS,
  payment: PAYMENT_MIGRATIONS,
  fulfilment: FULFILMENT_MIGRATIONS,
  privacy: PRIVACY_MIGRATIONS,
};

export const SERVICE_DATABASES: readonly ServiceDatabase[] = SERVICE_NAMES.map((service) => ({
  service,
  schema: service,
  role: `lumen_${service}`,
  migrations: MIGRATIONS[service],
}));

/** The connection URL a service uses: the admin URL with the service's role as user. */
export function serviceDatabaseUrl(adminUrl: string, role: string): string {
  const url = new URL(adminUrl);
  url.username = role;
  url.password = '';
  return url.toString();
}
