import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly annotations?: { readonly runbook_url?: string; readonly summary?: string };
}

export interface Query {
  /** Where the query is: `alerts.yml LumenOutboxStuck`, `lumen-pipeline.json "Outbox backlog"`. */
  readonly where: string;
  readonly expr: string;
}

// Series Prometheus makes itself rather than any service.
const PROMETHEUS_OWN = new Set(['up']);
const FUNCTIONS_AND_KEYWORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'by',
  'without',
  'rate',
  'increase',
  'irate',
  'histogram_quantile',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'topk',
  'bottomk',
  'abs',
  'clamp_min',
  'clamp_max',
  'le',
]);

export function alertRules(root: string): AlertRule[] {
  const file = parse(readFileSync(join(root, 'deploy', 'prometheus', 'alerts.yml'), 'utf8')) as {
    groups: { rules: AlertRule[] }[];
  };
  return file.groups.flatMap((group) => group.rules);
}

interface DashboardPanel {
  readonly title?: string;
  readonly datasource?: { readonly uid?: string };
  readonly targets?: { readonly expr?: string; readonly datasource?: { readonly uid?: string } }[];
  readonly panels?: DashboardPanel[];
}

export function dashboards(root: string): { file: string; panels: DashboardPanel[] }[] {
  const dir = join(root, 'deploy', 'grafana', 'dashboards');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => {
      const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        panels: DashboardPanel[];
      };
      const flat = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
      return { file, panels: flat };
    });
}

/** Every PromQL query in the alert rules and the dashboards. */
export function allQueries(root: string): Query[] {
  const fromAlerts = alertRules(root).map((rule) => ({
    where: `alerts.yml ${rule.alert}`,
    expr: rule.expr,
  }));
  const fromDashboards = dashboards(root).flatMap(({ file, panels }) =>
    panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        where: `${file} "${panel.title ?? ''}"`,
        expr: target.expr ?? '',
      })),
    ),
  );
  return [...fromAlerts, ...fromDashboards];
}

/**
 * The series a query reads: identifiers outside label matchers, quoted strings, `[5m]` ranges
 * and `by (...)` lists that are not functions, keywords or numbers.
 */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/"[^"]*"/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const [name] of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    if (!FUNCTIONS_AND_KEYWORDS.has(name) && !/^\d/.test(name)) names.add(name);
  }
  return [...names];
}

export function serviceMetricNamesIn(expr: string): string[] {
  return metricNamesIn(expr).filter((name) => !PROMETHEUS_OWN.has(name));
}

/**
 * The series names a `/metrics` page can answer for: every sample name, and for each declared
 * histogram its `_bucket`, `_sum` and `_count` series even before anything was observed.
 */
export function exposedNames(prometheusText: string): Set<string> {
  const names = new Set<string>();
  for (const line of prometheusText.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name = '', kind] = type;
      names.add(name);
      if (kind === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
    if (sample?.[1]) names.add(sample[1]);
  }
  return names;
}
