import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse } from 'yaml';
import { messagingMetrics } from '#lumen/messaging';
import { MetricsModule } from '#lumen/metrics';
import { checkoutMetrics } from '../../apps/checkout/src/metrics/checkout.metrics';
import { fulfilmentMetrics } from '../../apps/fulfilment/src/metrics/fulfilment.metrics';
import { paymentMetrics } from '../../apps/payment/src/metrics/payment.metrics';
import { privacyMetrics } from '../../apps/privacy/src/metrics/privacy.metrics';
import { findRoot } from '../../scripts/pipeline/start-pipeline';
import {
  alertRules,
  allQueries,
  dashboards,
  exposedNames,
  serviceMetricNamesIn,
} from '../support/deploy-queries';

const root = findRoot();
const PROMTOOL = process.env['PROMTOOL_PATH'] ?? '/usr/bin/promtool';

/**
 * The Prometheus rules and Grafana dashboards in deploy/ query only series the services really
 * expose: every service's metric definitions are loaded into the one registry a service has,
 * served by the real MetricsModule, scraped over HTTP, and every name in every query is looked
 * up. (The e2e tier checks the same names against the running pipeline.)
 */
describe('deploy/ queries only metrics that exist', () => {
  let app: NestFastifyApplication;
  let exposed: Set<string>;

  beforeAll(async () => {
    // Referenced so the definitions load: each service registers these at boot.
    expect([
      checkoutMetrics,
      paymentMetrics,
      fulfilmentMetrics,
      privacyMetrics,
      messagingMetrics,
    ]).toHaveLength(5);
    @Module({ imports: [MetricsModule.forRoot({ service: 'coverage', readinessChecks: [] })] })
    class CoverageModule {}
    // Nest declares its options as a class but documents and reads plain objects.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const options: NestApplicationOptions = { logger: false };
    app = await NestFactory.create<NestFastifyApplication>(
      CoverageModule,
      new FastifyAdapter(),
      options,
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${await app.getUrl()}/metrics`);
    expect(response.status).toBe(200);
    exposed = exposedNames(await response.text());
  });

  afterAll(() => app.close());

  it('finds queries to check in the alert rules and in every dashboard', () => {
    expect(alertRules(root).length).toBeGreaterThanOrEqual(8);
    expect(
      dashboards(root)
        .map((d) => d.file)
        .sort(),
    ).toEqual(['lumen-pipeline.json', 'lumen-privacy.json']);
    expect(allQueries(root).length).toBeGreaterThan(30);
  });

  it('every metric named in a query is exposed', () => {
    const missing = allQueries(root).flatMap(({ where, expr }) =>
      serviceMetricNamesIn(expr)
        .filter((name) => !exposed.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('catches a query naming a metric that does not exist', () => {
    expect(serviceMetricNamesIn('sum(rate(lumen_orders_teleported_total[5m]))')).toEqual([
      'lumen_orders_teleported_total',
    ]);
    expect(exposed.has('lumen_orders_teleported_total')).toBe(false);
  });

  it('covers what the issue asks to alert on', () => {
    const alerted = alertRules(root).flatMap((rule) => serviceMetricNamesIn(rule.expr));
    for (const name of [
      'lumen_outbox_oldest_age_seconds',
      'lumen_consumer_lag',
      'lumen_dead_letters_total',
      'lumen_gateway_requests_total',
      'lumen_carrier_requests_total',
      'lumen_card_token_oldest_live_age_seconds',
      'lumen_card_token_lifetime_seconds_bucket',
      'lumen_privacy_requests_overdue',
    ]) {
      expect(alerted).toContain(name);
    }
  });

  it('links every alert to a runbook section that exists', () => {
    const runbook = readFileSync(join(root, 'docs', 'runbooks', 'alerts.md'), 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^## (.+)$/gm)].map(([, heading = '']) =>
        heading
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const rule of alertRules(root)) {
      const url = rule.annotations?.runbook_url ?? '';
      expect({ alert: rule.alert, url }).toEqual({
        alert: rule.alert,
        url: `docs/runbooks/alerts.md#${rule.alert.toLowerCase()}`,
      });
      expect({ alert: rule.alert, documented: anchors.has(rule.alert.toLowerCase()) }).toEqual({
        alert: rule.alert,
        documented: true,
      });
      expect(rule.annotations?.summary).toBeTruthy();
    }
  });

  it('points every dashboard panel at the provisioned Prometheus data source', () => {
    const provisioned = parse(
      readFileSync(
        join(root, 'deploy', 'grafana', 'provisioning', 'datasources', 'lumen-prometheus.yml'),
        'utf8',
      ),
    ) as { datasources: { uid: string; type: string }[] };
    const uids = new Set(provisioned.datasources.map((d) => d.uid));
    for (const { file, panels } of dashboards(root)) {
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          const uid = target.datasource?.uid ?? '(none)';
          expect({ file, panel: panel.title, provisioned: uids.has(uid) }).toEqual({
            file,
            panel: panel.title,
            provisioned: true,
          });
        }
      }
    }
  });

  const havePromtool = existsSync(PROMTOOL);
  if (!havePromtool) {
    // One check skipped, loudly: npm test installs promtool (Debian's prometheus package).
    console.warn(`promtool not found at ${PROMTOOL}: skipping 'promtool check rules/config'`);
  }
  (havePromtool ? it : it.skip)('passes promtool check rules and check config', () => {
    const run = (...args: string[]) =>
      execFileSync(PROMTOOL, args, { cwd: join(root, 'deploy', 'prometheus'), encoding: 'utf8' });
    expect(run('check', 'rules', 'alerts.yml')).toContain(
      `SUCCESS: ${alertRules(root).length} rules found`,
    );
    expect(run('check', 'config', 'prometheus.yml')).toContain('SUCCESS');
  });

  (havePromtool ? it : it.skip)(
    'fires the alerts on the series in alerts.test.yml, and only those (promtool test rules)',
    () => {
      // execFileSync throws, with promtool's report of the failing case, on any mismatch.
      const report = execFileSync(PROMTOOL, ['test', 'rules', 'alerts.test.yml'], {
        cwd: join(root, 'deploy', 'prometheus'),
        encoding: 'utf8',
      });
      expect(report).toContain('SUCCESS');
    },
  );
});
