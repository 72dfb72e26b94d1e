import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findRoot, startPipeline, type Pipeline } from '../../scripts/pipeline/start-pipeline';
import { StorefrontClient } from '../../scripts/pipeline/storefront-client';
import { allQueries, exposedNames, serviceMetricNamesIn } from '../support/deploy-queries';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * The operations page, as a person opens it: the pipeline runs as `npm start` runs it, a few
 * orders go through, and a real (headless) browser shows live figures that move, and never a
 * customer's details.
 */
describe('the operations page', () => {
  const root = findRoot();
  let pipeline: Pipeline;
  // Undefined until launched: afterAll must stop the pipeline even if the launch failed.
  let browser: Browser | undefined;
  let page: Page;
  let storefront: StorefrontClient;
  const marker = `Zeta${randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 8)}`;
  const customer = {
    name: `Ada ${marker}`,
    email: `ada.${marker.toLowerCase()}@example.com`,
    phone: '+44 7700 900123',
  };

  beforeAll(async () => {
    pipeline = await startPipeline();
    storefront = new StorefrontClient(
      pipeline.urls.checkout ?? '',
      pipeline.urls['gateway-simulator'] ?? '',
      StorefrontClient.devKey(root),
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline.stop();
  });

  /** Re-reads the page until `check` holds; the page refreshes itself every two seconds. */
  async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`the page never showed ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function placeOrders(count: number): Promise<void> {
    const policyVersion = await storefront.policyVersion();
    for (let i = 0; i < count; i += 1) {
      const posted = await storefront.placeOrder({
        customer,
        deliveryAddress: {
          recipientName: customer.name,
          lines: [`12 ${marker} Square`],
          city: 'London',
          postcode: 'SW1Y 4JH',
          country: 'GB',
        },
        items: [{ sku: 'LAMP-DESK-BRASS', quantity: 1, unitPriceMinor: 4_999, currency: 'GBP' }],
        payment: { gateway: 'simulator', cardToken: await storefront.cardToken('approved') },
        privacyPolicyVersion: policyVersion,
      });
      expect(posted.status).toBe(202);
    }
  }

  const figure = (id: string, cell: 'value' | 'rate'): Promise<string> =>
    page.locator(`[data-figure="${id}"] .${cell}`).innerText();

  const number = (text: string): number => Number(text.replace(/[^0-9.]/g, ''));

  it('shows every stage with live counts, rates and latencies, and no personal data', async () => {
    await page.goto(pipeline.urls['operations'] ?? '');
    await page.waitForSelector('[data-stage="checkout"]');
    const firstUpdate = await page.locator('#status').getAttribute('data-generated-at');

    await placeOrders(3);

    // Accepted orders appear with a rate above zero once the page's next polls see them.
    await waitUntil(
      'three accepted orders',
      async () => number(await figure('orders-accepted', 'value')) >= 3,
      30_000,
    );
    expect(number(await figure('orders-accepted', 'value'))).toBeGreaterThanOrEqual(3);
    expect(number(await figure('orders-accepted', 'rate'))).toBeGreaterThan(0);

    // The page keeps refreshing by itself.
    const laterUpdate = await page.locator('#status').getAttribute('data-generated-at');
    expect(laterUpdate).not.toBe(firstUpdate);

    // Payment and the carrier hand-off happen downstream: their latencies fill in too.
    await waitUntil(
      'a payment latency',
      async () => (await page.locator('[data-latency="to-payment"] .p50').innerText()) !== '–',
      60_000,
    );
    await waitUntil(
      'published events',
      async () => number(await figure('events-published', 'value')) > 0,
      30_000,
    );

    // Figures from every service, not only checkout's.
    for (const id of ['gateway-requests', 'key-operations', 'events-consumed']) {
      await waitUntil(id, async () => number(await figure(id, 'value')) > 0, 30_000);
    }

    for (const stage of ['checkout', 'payment', 'fulfilment', 'messaging', 'privacy']) {
      expect(await page.locator(`[data-stage="${stage}"]`).count()).toBe(1);
    }
    for (const service of ['checkout', 'payment', 'fulfilment', 'privacy']) {
      expect(await page.locator(`[data-service="${service}"]`).innerText()).toContain('up');
    }

    const everything = `${await page.content()}\n${await page.locator('body').innerText()}`;
    expect(everything).not.toContain(marker);
    expect(everything.toLowerCase()).not.toContain(marker.toLowerCase());
    expect(everything).not.toContain(customer.email);
    expect(everything).not.toContain('7700 900123');
  });

  it('serves the metrics and health endpoints it reads from, on every service', async () => {
    for (const service of ['checkout', 'payment', 'fulfilment', 'privacy']) {
      const url = pipeline.urls[service] ?? '';
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('lumen_outbox_backlog');
      expect(text).not.toContain(marker);
      const ready = await fetch(`${url}/health/ready`);
      expect({ service, status: ready.status }).toEqual({ service, status: 200 });
      const body = (await ready.json()) as {
        dependencies: { name: string; ok: boolean; latencyMs: number }[];
      };
      console.log(
        `${service}: /metrics ${text.length} bytes; ready in ${body.dependencies
          .map((d) => `${d.name} ${d.latencyMs} ms`)
          .join(', ')}`,
      );
      expect(body.dependencies.map((d) => d.name).sort()).toEqual([
        'consumer-group',
        'kafka',
        'postgres',
        'redis',
      ]);
    }
  });

  it('exposes, from the running services, every metric the alert rules and dashboards query', async () => {
    const exposed = new Set<string>();
    for (const [service, url] of Object.entries(pipeline.urls)) {
      const response = await fetch(`${url}/metrics`);
      expect({ service, status: response.status }).toEqual({ service, status: 200 });
      for (const name of exposedNames(await response.text())) exposed.add(name);
    }
    const missing = allQueries(root).flatMap(({ where, expr }) =>
      serviceMetricNamesIn(expr)
        .filter((name) => !exposed.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
  });
});
