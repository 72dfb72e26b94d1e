import { randomUUID } from 'node:crypto';
import type { DynamicModule } from '@nestjs/common';
import { createLogger } from '#lumen/observability';
import { CarrierSimulatorAppModule } from '../../apps/carrier-simulator/src/carrier-simulator-app.module';
import { loadCarrierSimulatorConfig } from '../../apps/carrier-simulator/src/config/carrier-simulator.config';
import { CheckoutAppModule } from '../../apps/checkout/src/checkout-app.module';
import { loadCheckoutConfig } from '../../apps/checkout/src/config/checkout.config';
import { loadFulfilmentConfig } from '../../apps/fulfilment/src/config/fulfilment.config';
import { FulfilmentAppModule } from '../../apps/fulfilment/src/fulfilment-app.module';
import { loadGatewaySimulatorConfig } from '../../apps/gateway-simulator/src/config/gateway-simulator.config';
import { GatewaySimulatorAppModule } from '../../apps/gateway-simulator/src/gateway-simulator-app.module';
import { loadPaymentConfig } from '../../apps/payment/src/config/payment.config';
import { PaymentAppModule } from '../../apps/payment/src/payment-app.module';
import { loadPrivacyConfig } from '../../apps/privacy/src/config/privacy.config';
import { PrivacyAppModule } from '../../apps/privacy/src/privacy-app.module';
import { loadOperationsConfig } from '../../apps/operations/src/config/operations.config';
import { OperationsAppModule } from '../../apps/operations/src/operations-app.module';
import { appsWithMain, startPipeline, type Pipeline } from '../../scripts/pipeline/start-pipeline';
import { routesOf, type Route } from '../support/route-table';

/**
 * Every route of every service, called with no credentials at all, is refused (401 or 403),
 * except the public routes below, each with the reason it is public. A new route that is
 * neither guarded nor listed here fails this test.
 */
/**
 * Every service answers these without credentials: probes and Prometheus must reach them, and
 * they carry no personal data (`#lumen/metrics` refuses per-order or personal labels). In a
 * cluster the NetworkPolicies keep them inside (docs/deploy.md).
 */
const OPERATIONAL_ROUTES: Record<string, string> = {
  'GET /health/live': 'liveness probe: the process answers',
  'GET /health/ready': 'readiness probe: names a failed dependency, holds no data',
  'GET /metrics': 'Prometheus scrape: aggregates only, no personal data',
};

const PUBLIC_ROUTES: Readonly<Record<string, Record<string, string>>> = {
  checkout: {
    ...OPERATIONAL_ROUTES,
    'GET /privacy-policy': 'the privacy policy is for everyone to read',
    'GET /privacy-policy/:version': 'every published version of the policy, ditto',
    'GET /openapi.json': 'the API description holds no data',
  },
  payment: { ...OPERATIONAL_ROUTES },
  fulfilment: { ...OPERATIONAL_ROUTES },
  privacy: {
    ...OPERATIONAL_ROUTES,
    'POST /privacy/requests': 'a customer starts a request; identity is proven by the mailed code',
    'POST /privacy/requests/:requestId/verification': 'the code itself is the credential',
    'GET /privacy/links/:token': 'the unguessable, expiring link is the credential',
    'GET /privacy/receipt-signing-key': 'the public key that verifies erasure receipts',
    'POST /staff/sessions': 'sign-in itself (password, TOTP, lockout)',
    'DELETE /staff/sessions/current': 'sign-out: ends the session the cookie names, if any',
    'POST /statistics/page-views': 'the storefront beacon; address cut at the edge, rate-limited',
  },
  'carrier-simulator': { ...OPERATIONAL_ROUTES },
  operations: {
    ...OPERATIONAL_ROUTES,
    'GET /': 'the operations page: figures aggregated from /metrics, no personal data',
    'GET /:file': "the page's script and style sheet",
    'GET /api/operations/overview': 'the same aggregates as JSON',
  },
  'gateway-simulator': {
    ...OPERATIONAL_ROUTES,
    'POST /hosted-form/tokens': "the shopper's browser posts the card here (hosted payment form)",
    'GET /revocation-list': 'public CA material, signed',
    'GET /root': 'public CA material (the root certificate)',
    'GET /answer-certificate': 'public CA material, signed by the root',
    'GET /health': 'liveness',
  },
};

const ENV = { NODE_ENV: 'test', LOG_LEVEL: 'silent' };
const MODULES: Record<string, () => DynamicModule> = {
  checkout: () => CheckoutAppModule.forRoot(loadCheckoutConfig(ENV)),
  payment: () => PaymentAppModule.forRoot(loadPaymentConfig(ENV)),
  fulfilment: () =>
    FulfilmentAppModule.forRoot(
      loadFulfilmentConfig(ENV),
      createLogger({ service: 'walk', level: 'silent' }),
    ),
  privacy: () => PrivacyAppModule.forRoot(loadPrivacyConfig(ENV)),
  'gateway-simulator': () => GatewaySimulatorAppModule.forRoot(loadGatewaySimulatorConfig(ENV)),
  'carrier-simulator': () => CarrierSimulatorAppModule.forRoot(loadCarrierSimulatorConfig(ENV)),
  operations: () => OperationsAppModule.forRoot(loadOperationsConfig(ENV)),
};

function concrete(path: string): string {
  return path.replace(/:[A-Za-z]+/g, randomUUID());
}

describe('route walk: every internal endpoint demands a session or a service identity', () => {
  let pipeline: Pipeline;
  beforeAll(async () => (pipeline = await startPipeline()));
  afterAll(() => pipeline.stop());

  it('knows the routes of every app', () => {
    expect(Object.keys(MODULES).sort()).toEqual(appsWithMain());
    for (const [app, publicRoutes] of Object.entries(PUBLIC_ROUTES)) {
      const routes = routesOf(MODULES[app]?.() ?? { module: class {} }).map(
        (r) => `${r.method} ${r.path}`,
      );
      // The allow-list names real routes only: a renamed route cannot stay public by accident.
      for (const listed of Object.keys(publicRoutes))
        expect({ app, listed, registered: routes.includes(listed) }).toEqual({
          app,
          listed,
          registered: true,
        });
    }
  });

  it.each(Object.keys(MODULES))(
    '%s refuses every non-public route without credentials',
    async (app) => {
      const routes: Route[] = routesOf(MODULES[app]?.() ?? { module: class {} });
      expect(routes.length).toBeGreaterThan(0);
      const answers: string[] = [];
      for (const route of routes) {
        const key = `${route.method} ${route.path}`;
        if (PUBLIC_ROUTES[app]?.[key] !== undefined) continue;
        const hasBody = route.method === 'POST' || route.method === 'PUT';
        const response = await fetch(`${pipeline.urls[app]}${concrete(route.path)}`, {
          method: route.method,
          ...(hasBody ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
        });
        await response.body?.cancel();
        answers.push(
          `${key} -> ${[401, 403].includes(response.status) ? 'refused' : String(response.status)}`,
        );
      }
      expect(answers).toEqual(answers.map((answer) => answer.replace(/-> .*$/, '-> refused')));
    },
  );
});
