import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  appNames,
  configVariablesOf,
  defaultPorts,
  entrypointFileVariables,
  readText,
  readYaml,
  ROOT,
  telemetryVariables,
  variablesInSchemaSource,
} from './support/deploy-files';
import { renderKustomization } from './support/kustomize-render';

/**
 * docs/deploy.md's configuration reference cannot go stale: every variable read anywhere (the
 * apps' config schemas, the scripts' schemas, the telemetry bootstrap, scripts/lumen.mjs and
 * its infrastructure helpers, the image's entry point and health check) must have a row, and
 * every row must name a variable something reads. Variables a deployment cannot leave at
 * their loopback defaults must be set by docker-compose.yml and the Kubernetes manifests.
 */
const SCRIPT_SCHEMAS = [
  'scripts/provision/provision.ts',
  'scripts/driver/storefront-driver.ts',
  'scripts/deploy/migrate.ts',
  'scripts/deploy/init-secrets.ts',
];
// PATH is the shell's; LUMEN_DEPS_CHECKED is lumen.mjs's note to its own re-executed child.
const NOT_CONFIGURATION = new Set(['PATH', 'LUMEN_DEPS_CHECKED']);

function processEnvReads(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    [...readText(file).matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] ?? ''),
  );
}

function everyVariable(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (names: readonly string[], source: string) => {
    for (const name of names) if (!NOT_CONFIGURATION.has(name)) found.set(name, source);
  };
  for (const app of appNames()) add(configVariablesOf(app), `apps/${app}`);
  for (const script of SCRIPT_SCHEMAS) add(variablesInSchemaSource(readText(script)), script);
  add(telemetryVariables(), 'libs/observability');
  const infra = readdirSync(join(ROOT, 'scripts', 'infra'))
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => `scripts/infra/${f}`);
  add(processEnvReads(['scripts/lumen.mjs', ...infra]), 'scripts/lumen.mjs');
  add(
    Object.keys(defaultPorts()).map(
      (app) => `LUMEN_${app.toUpperCase().replaceAll('-', '_')}_PORT`,
    ),
    'scripts/lumen.mjs PORTS',
  );
  add(processEnvReads(['docker/healthcheck.mjs']), 'docker/healthcheck.mjs');
  add(
    [...readText('docker/entrypoint.sh').matchAll(/\$\{([A-Z][A-Z0-9_]*)[:}]/g)].map(
      (m) => m[1] ?? '',
    ),
    'docker/entrypoint.sh',
  );
  add(
    entrypointFileVariables().map((name) => `${name}_FILE`),
    'docker/entrypoint.sh',
  );
  return found;
}

const reference = readText('docs/deploy.md');
const documented = new Set(
  [...reference.matchAll(/^\| `([A-Z][A-Z0-9_]*)` /gm)].map((m) => m[1] ?? ''),
);

describe('the configuration reference in docs/deploy.md', () => {
  const variables = everyVariable();

  it('finds the variables it guards (the extraction works)', () => {
    expect(variables.size).toBeGreaterThan(80);
    for (const known of [
      'LUMEN_MASTER_KEY',
      'CARRIER_KEYS_DIR',
      'OTEL_TRACES_EXPORTER',
      'LUMEN_DRIVER',
    ]) {
      expect(variables.has(known)).toBe(true);
    }
    expect(variablesInSchemaSource('z.object({\n  NEW_SETTING: z.string(),\n})')).toEqual([
      'NEW_SETTING',
    ]);
  });

  it('has a row for every variable any part of Lumen reads', () => {
    const missing = [...variables]
      .filter(([name]) => !documented.has(name))
      .map(([name, source]) => `${name} (read by ${source})`);
    expect(missing).toEqual([]);
  });

  it('has no row for a variable nothing reads', () => {
    expect([...documented].filter((name) => !variables.has(name))).toEqual([]);
  });
});

describe('variables a deployment must set', () => {
  // Their defaults point at 127.0.0.1 or are public development values: fine for `npm start`,
  // wrong anywhere else.
  const MUST_SET = [
    'HOST',
    'DATABASE_URL',
    'KAFKA_BROKERS',
    'KEY_SERVICE_URL',
    'GATEWAY_URL',
    'CARRIER_URL',
    'CARRIER_CALLBACK_URL',
    'LUMEN_MASTER_KEY',
    'CHECKOUT_INDEX_SECRET',
  ];
  const required = (app: string) => configVariablesOf(app).filter((v) => MUST_SET.includes(v));

  it('docker-compose.yml sets them for every app (directly or through <NAME>_FILE or the image)', () => {
    const compose = readYaml('docker-compose.yml') as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    // The image itself sets HOST=0.0.0.0 (Dockerfile ENV).
    expect(readText('Dockerfile')).toMatch(/HOST=0\.0\.0\.0/);
    for (const app of appNames()) {
      const env = compose.services[app]?.environment ?? {};
      for (const variable of required(app).filter((v) => v !== 'HOST')) {
        const set = variable in env || `${variable}_FILE` in env;
        expect({ app, variable, set }).toEqual({ app, variable, set: true });
      }
    }
  });

  it('the Kubernetes base sets them for every service it deploys', () => {
    const rendered = renderKustomization('deploy/k8s/base');
    const config = rendered.find(
      (m) => m.kind === 'ConfigMap' && m.metadata.name === 'lumen-config',
    )?.data as Record<string, string>;
    const deployments = rendered.filter((m) => m.kind === 'Deployment');
    expect(deployments.length).toBe(4);
    for (const deployment of deployments) {
      const app = deployment.metadata.name;
      const container = (
        deployment.spec as {
          template: { spec: { containers: { env?: { name: string }[] }[] } };
        }
      ).template.spec.containers[0];
      const names = new Set([...Object.keys(config), ...(container?.env ?? []).map((e) => e.name)]);
      for (const variable of required(app)) {
        expect({ app, variable, set: names.has(variable) }).toEqual({ app, variable, set: true });
      }
    }
  });
});
