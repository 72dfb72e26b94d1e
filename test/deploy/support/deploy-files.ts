import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

export const ROOT = join(__dirname, '..', '..', '..');

export function readText(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

export function readYaml(path: string): unknown {
  return parse(readText(path));
}

export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

/** Every document in a multi-document YAML file, skipping empty ones. */
export function readManifests(path: string): Manifest[] {
  return parseAllDocuments(readText(path))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message ?? ''}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((doc): doc is Manifest => doc !== null);
}

/** Apps with a main.ts: the services and simulators a deployment runs. */
export function appNames(): string[] {
  return readdirSync(join(ROOT, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'apps', d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
}

/**
 * The variables an app's config schema reads: the keys of the `z.object({...})` in
 * apps/<app>/src/config/<app>.config.ts. Parsed from the source, so a variable added there
 * is seen here without anyone remembering to list it.
 */
export function configVariablesOf(app: string): string[] {
  const source = readText(join('apps', app, 'src', 'config', `${app}.config.ts`));
  return variablesInSchemaSource(source);
}

export function variablesInSchemaSource(source: string): string[] {
  const start = source.search(/z\s*\.object\(\{/);
  if (start < 0) throw new Error('no z.object({ in the config source');
  const names = new Set<string>();
  // Schema keys are upper-case identifiers at the start of a line, followed by a colon.
  for (const match of source.slice(start).matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)) {
    names.add(match[1] ?? '');
  }
  return [...names].sort();
}

/** The `@HandleEvent('<topic>')` subscriptions in an app's sources. */
export function subscriptionsOf(app: string): string[] {
  const topics = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        for (const m of readText(path).matchAll(/@HandleEvent\('([^']+)'\)/g))
          topics.add(m[1] ?? '');
      }
    }
  };
  walk(join('apps', app, 'src'));
  return [...topics].sort();
}

/** Ports from the one table in scripts/lumen.mjs. */
export function defaultPorts(): Record<string, number> {
  const source = readText('scripts/lumen.mjs');
  const table = /const PORTS = \{([^}]+)\}/.exec(source)?.[1] ?? '';
  return Object.fromEntries(
    [...table.matchAll(/'?([a-z-]+)'?:\s*(\d+)/g)].map((m) => [m[1] ?? '', Number(m[2])]),
  );
}

/** The variable names docker/entrypoint.sh turns `<NAME>_FILE` into. */
export function entrypointFileVariables(): string[] {
  const list = /for name in ([A-Z_ ]+); do/.exec(readText('docker/entrypoint.sh'))?.[1] ?? '';
  return list.trim().split(/\s+/);
}

/** OTEL_* variables the observability lib reads (the SDK's own contract). */
export function telemetryVariables(): string[] {
  const dir = join('libs', 'observability', 'src', 'tracing');
  const names = new Set<string>();
  for (const file of readdirSync(join(ROOT, dir))) {
    for (const m of readText(join(dir, file)).matchAll(/\b(OTEL_[A-Z_]+)\b/g))
      names.add(m[1] ?? '');
  }
  return [...names].sort();
}
