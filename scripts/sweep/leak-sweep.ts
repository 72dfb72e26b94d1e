import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { carrierShipmentV1Schema } from '#lumen/carrier';
import type { Pipeline } from '../pipeline/start-pipeline';
import { StorefrontClient, FINAL_STATUSES } from '../pipeline/storefront-client';
import { isAllowed, loadDataMap } from './data-map';
import { detectFindings, type Finding, type SweptText } from './detect-findings';
import { readHttp, readKafka, readPostgres, readRedis, splitLogs } from './sweep-sources';

/**
 * The leak sweep: plant unique marker values in every personal field of a few orders, run
 * them through the whole pipeline, then read everything the system keeps or emits (every
 * Kafka topic from offset 0, every table, Redis, the logs, the spans, the metrics, what the
 * simulators received) and report each marker, card number or e-mail address found where
 * deploy/data-map.json does not allow it.
 */
export interface SweepOptions {
  readonly root: string;
  readonly brokers: readonly string[];
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly orders?: number;
}

export interface SweepReport {
  readonly sources: Record<string, number>;
  readonly findings: readonly Finding[];
  readonly violations: readonly string[];
  readonly ordersFinal: number;
}

const SERVICE_SCHEMAS = ['checkout', 'payment', 'fulfilment', 'privacy'];

function plantMarkers(run: string, index: number): Record<string, string> {
  // Letters only: a marker with a long run of digits reads as a phone number, and the carrier
  // screen (rightly) refuses an address carrying one, so the order would never ship.
  const tag = `${run}${String.fromCharCode(97 + index)}`;
  return {
    'customer.name': `Zephyrine Quillmark${tag}`,
    'customer.email': `sweep.${tag}@example.net`,
    'customer.phone': `+44 7700 9${String(10_000 + index * 137).padStart(5, '0')}`,
    'delivery.recipientName': `Marisol Vantablack${tag}`,
    'delivery.line': `${String(10 + index)} Sweepmarker Lane ${tag}`,
    'delivery.city': `Markton${tag}`,
    'delivery.postcode': `QX${tag.slice(0, 7).toUpperCase()}`,
    'client.ip': `203.0.113.${String(10 + index)}`,
  };
}

function orderWith(
  markers: Record<string, string>,
  cardToken: string,
  policyVersion: string,
): unknown {
  return {
    customer: {
      name: markers['customer.name'],
      email: markers['customer.email'],
      phone: markers['customer.phone'],
    },
    deliveryAddress: {
      recipientName: markers['delivery.recipientName'],
      lines: [markers['delivery.line']],
      city: markers['delivery.city'],
      postcode: markers['delivery.postcode'],
      country: 'GB',
    },
    items: [{ sku: 'LAMP-DESK-BRASS', quantity: 1, unitPriceMinor: 4_999, currency: 'GBP' }],
    payment: { gateway: 'simulator', cardToken },
    privacyPolicyVersion: policyVersion,
  };
}

/** The spans Zipkin holds, service by service (one huge query would exhaust its heap). */
async function readSpans(): Promise<SweptText[]> {
  const services = await readHttp('spans:services', 'http://127.0.0.1:9411/api/v2/services');
  const names = services[0] ? (JSON.parse(services[0].text) as string[]) : [];
  const traces = await Promise.all(
    names.map((name) =>
      readHttp(
        `spans:${name}`,
        `http://127.0.0.1:9411/api/v2/traces?serviceName=${encodeURIComponent(name)}&limit=300&lookback=3600000`,
      ),
    ),
  );
  return traces.flat();
}

export async function runLeakSweep(
  pipeline: Pipeline,
  options: SweepOptions,
): Promise<SweepReport> {
  const run = [...randomBytes(8)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
  const urls = pipeline.urls;
  const checkout = urls.checkout;
  const gateway = urls['gateway-simulator'];
  const carrier = urls['carrier-simulator'];
  if (!checkout || !gateway || !carrier)
    throw new Error('the sweep needs checkout and both simulators running');

  // 1. Orders carrying markers, each from a "visitor" with a marker IP address.
  const planted: Record<string, string> = {};
  const orderIds: string[] = [];
  const count = options.orders ?? 3;
  for (let index = 0; index < count; index += 1) {
    const markers = plantMarkers(run, index);
    const client = new StorefrontClient(checkout, gateway, StorefrontClient.devKey(options.root), {
      'x-forwarded-for': markers['client.ip'] ?? '',
    });
    const token = await client.cardToken('approved');
    markers['card.token'] = token;
    for (const [category, value] of Object.entries(markers))
      planted[`${category}#${String(index)}`] = value;
    const posted = await client.placeOrder(orderWith(markers, token, await client.policyVersion()));
    if (!posted.orderId)
      throw new Error(`a sweep order was refused: ${posted.status} ${JSON.stringify(posted.body)}`);
    orderIds.push(posted.orderId);
    // And the mistake storefronts make: a card number pasted into an address line (a 422).
    const pasted = orderWith(
      { ...markers, 'delivery.line': '4000 0000 0000 0002' },
      token,
      await client.policyVersion(),
    );
    const refused = await client.placeOrder(pasted);
    if (refused.status !== 422)
      throw new Error(`a pasted card number got ${refused.status}, not 422`);
  }

  // 2. Let them run to their end.
  const reader = new StorefrontClient(checkout, gateway, StorefrontClient.devKey(options.root));
  let ordersFinal = 0;
  for (const orderId of orderIds) {
    const status = await reader
      .waitForStatus(orderId, [...FINAL_STATUSES], 90_000)
      .catch(() => undefined);
    if (status && FINAL_STATUSES.has(status.status)) ordersFinal += 1;
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // late logs, spans and relays

  // 3. Read everything.
  const operatorToken = readFileSync(
    join(options.root, '.lumen', 'gateway', 'operator-token'),
    'utf8',
  ).trim();
  const sources: SweptText[][] = await Promise.all([
    readKafka(options.brokers),
    readPostgres(options.databaseUrl, SERVICE_SCHEMAS),
    readRedis(options.redisUrl),
    Promise.resolve(splitLogs(pipeline.output())),
    readSpans(),
    ...Object.entries(urls).map(([app, url]) => readHttp(`metrics:${app}`, `${url}/metrics`)),
    readHttp('carrier:received', `${carrier}/_test/received`, {
      authorization: `Bearer ${readFileSync(join(options.root, '.lumen', 'carrier', 'control-token'), 'utf8').trim()}`,
    }),
    readHttp('gateway:received', `${gateway}/test/journal`, {
      authorization: `Bearer ${operatorToken}`,
    }),
  ]);
  const texts = sources.flat();

  // 4. Judge against the data map.
  const dataMap = loadDataMap(options.root);
  const findings = detectFindings(texts, planted).map((f) => ({
    ...f,
    category: f.category.replace(/#\d+$/, ''),
  }));
  const violations = findings
    .filter((f) => !isAllowed(dataMap, f.category, f.location))
    .map((f) => `${f.category} found in ${f.location} (${f.sample})`);

  // The sweep must be able to see: what the map allows has to show up where it is allowed.
  const seen = (category: string, location: string) =>
    findings.some((f) => f.category === category && f.location === location);
  if (!seen('delivery.line', 'carrier:received'))
    violations.push('the carrier received no planted delivery address: the sweep saw nothing');
  if (!seen('card.token', 'gateway:received'))
    violations.push('the gateway received no planted card token: the sweep saw nothing');

  // The carrier's payloads hold exactly the allowed fields.
  for (const received of texts.filter((t) => t.location === 'carrier:received')) {
    const { requests } = JSON.parse(received.text) as { requests: { body: unknown }[] };
    for (const request of requests) {
      const body: unknown =
        typeof request.body === 'string' ? JSON.parse(request.body) : request.body;
      if (!carrierShipmentV1Schema.safeParse(body).success)
        violations.push('a carrier payload outside the allow-list schema');
    }
  }

  const countBySource: Record<string, number> = {};
  for (const text of texts) {
    const source = text.location.slice(0, text.location.indexOf(':'));
    countBySource[source] = (countBySource[source] ?? 0) + 1;
  }
  return { sources: countBySource, findings, violations, ordersFinal };
}

export function printSweepReport(report: SweepReport, root: string): void {
  console.log('Leak sweep: texts read per source');
  for (const [source, count] of Object.entries(report.sources))
    console.log(`  ${source.padEnd(10)} ${String(count)}`);
  console.log(`Orders that reached a final state: ${String(report.ordersFinal)}`);
  const allowed = report.findings.length - report.violations.length;
  console.log(
    `Findings: ${String(report.findings.length)} (${String(Math.max(0, allowed))} where the data map allows them)`,
  );
  for (const violation of report.violations) console.log(`  VIOLATION ${violation}`);
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results', 'sweep.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(
    report.violations.length === 0
      ? 'sweep: clean'
      : `sweep: ${String(report.violations.length)} violations`,
  );
}
