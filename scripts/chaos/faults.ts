import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pipeline } from '../pipeline/start-pipeline';

/**
 * The faults the crash tests inject, each returning what was done and how long recovery took.
 * Service crashes are real SIGKILLs of the processes `npm start` supervises (its supervisor
 * restarts them with backoff); the broker and PostgreSQL are really restarted; the payment
 * gateway and the carrier misbehave through their simulators' test switches.
 */
export interface Injection {
  /** Milliseconds from the start of the load. */
  readonly atMs: number;
  readonly kind: FaultKind;
  readonly target: string;
  /** What happened, in a few words (or why it was skipped). */
  readonly detail: string;
  /** From the fault to the target answering again (a service: HTTP); undefined for switches. */
  readonly recoveryMs?: number;
  /**
   * A service only: from the fault to its `/health/ready` answering 200, its consumer back in
   * its group (which first waits out the killed member's session).
   */
  readonly readyMs?: number;
  readonly skipped?: boolean;
}

export type FaultKind =
  | 'sigkill'
  | 'broker-restart'
  | 'postgres-restart'
  | 'gateway-timeouts'
  | 'gateway-errors'
  | 'carrier-errors'
  | 'carrier-hangs'
  | 'carrier-refusals';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Polls `ready` every 200 ms; throws after `timeoutMs`. */
async function waitFor(what: string, ready: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline)
      throw new Error(`${what} did not recover in ${String(timeoutMs)} ms`);
    await sleep(200);
  }
}

/**
 * SIGKILLs one service's current process, then waits until the supervisor has restarted it
 * and it answers HTTP again (checkout takes orders again), then until it is ready (its
 * consumer has rejoined its group).
 */
export async function killService(
  pipeline: Pipeline,
  app: string,
): Promise<Omit<Injection, 'atMs'>> {
  const url = pipeline.urls[app];
  if (!url) throw new Error(`no such service: ${app}`);
  // It may still be coming back from an earlier crash.
  let pid: number | undefined;
  await waitFor(
    `${app} (before the kill)`,
    () => (pid = pipeline.pidOf(app)) !== undefined,
    60_000,
  );
  const killedAt = Date.now();
  process.kill(pid ?? 0, 'SIGKILL');
  await waitFor(
    `${app} after SIGKILL`,
    async () => {
      const next = pipeline.pidOf(app);
      return next !== undefined && next !== pid && (await answers(`${url}/`));
    },
    90_000,
  );
  const recoveryMs = Date.now() - killedAt;
  await waitFor(`${app} ready after SIGKILL`, () => isReady(url), 90_000);
  return {
    kind: 'sigkill',
    target: app,
    detail: `SIGKILL pid ${String(pid)}; restarted by the supervisor`,
    recoveryMs,
    readyMs: Date.now() - killedAt,
  };
}

function runLumen(root: string, command: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'lumen.mjs'), command], {
      cwd: root,
      env: { ...env, LUMEN_DEPS_CHECKED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`lumen ${command} exited ${String(code)}:\n${output.slice(-2_000)}`));
    });
  });
}

/**
 * Stops the project's Kafka broker (SIGTERM, a controlled shutdown) and starts it again, through
 * `npm run kafka:stop` / `kafka:start` (scripts/infra/kafka.mjs). Only a broker this checkout
 * started (its pidfile) is restarted: someone else's cluster is not ours to bounce.
 */
export async function restartBroker(root: string): Promise<Omit<Injection, 'atMs'>> {
  const pidFile = join(root, '.cache', 'kafka', 'kafka.pid');
  if (!existsSync(pidFile)) {
    return {
      kind: 'broker-restart',
      target: 'kafka',
      detail: 'skipped: the broker was not started by this checkout (no .cache/kafka/kafka.pid)',
      skipped: true,
    };
  }
  const started = Date.now();
  const stopped = await runLumen(root, 'kafka:stop', process.env);
  if (!stopped.includes('stopping broker')) {
    return {
      kind: 'broker-restart',
      target: 'kafka',
      detail: 'skipped: no broker of this checkout was running',
      skipped: true,
    };
  }
  const down = Date.now() - started;
  // KAFKA_BROKERS would make kafka:start only check an "external" cluster, not start ours.
  const env = { ...process.env };
  delete env.KAFKA_BROKERS;
  await runLumen(root, 'kafka:start', env);
  return {
    kind: 'broker-restart',
    target: 'kafka',
    detail: `SIGTERM, ${(down / 1000).toFixed(1)}s to stop, then started again`,
    recoveryMs: Date.now() - started,
  };
}

/**
 * Restarts the machine's PostgreSQL cluster (INFRA.md's command), dropping every connection of
 * every service. Only a local cluster; never a remote DATABASE_URL.
 */
export async function restartPostgres(databaseUrl: string): Promise<Omit<Injection, 'atMs'>> {
  const host = new URL(databaseUrl).hostname;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host) || versions.length === 0) {
    return {
      kind: 'postgres-restart',
      target: 'postgres',
      detail: 'skipped: PostgreSQL is not a local cluster',
      skipped: true,
    };
  }
  const started = Date.now();
  for (const version of versions) {
    const result = spawnSync(
      'pg_ctlcluster',
      ['--skip-systemctl-redirect', version, 'main', 'restart'],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) {
      throw new Error(`pg_ctlcluster ${version} main restart failed: ${result.stderr}`);
    }
  }
  const { Client } = await import('pg');
  await waitFor(
    'PostgreSQL',
    async () => {
      const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 1_000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    60_000,
  );
  return {
    kind: 'postgres-restart',
    target: 'postgres',
    detail: `pg_ctlcluster ${versions.join(',')} main restart (fast shutdown: sessions cut)`,
    recoveryMs: Date.now() - started,
  };
}

/** The simulators' test switches (the operator token guards the gateway's). */
export class SimulatorSwitches {
  constructor(
    private readonly gatewayUrl: string,
    private readonly carrierUrl: string,
    private readonly operatorToken: string,
    private readonly carrierControl: Record<string, string>,
  ) {}

  static operatorToken(root: string): string {
    return readFileSync(join(root, '.lumen', 'gateway', 'operator-token'), 'utf8').trim();
  }

  async gateway(patch: Record<string, unknown>): Promise<void> {
    await this.put(`${this.gatewayUrl}/test/switches`, patch, {
      authorization: `Bearer ${this.operatorToken}`,
    });
  }

  async carrier(patch: Record<string, unknown>): Promise<void> {
    await this.put(`${this.carrierUrl}/_test/switches`, patch, this.carrierControl);
  }

  /** Shipment requests the carrier refused so far (first asks and repeats alike). */
  async carrierRefusals(): Promise<number> {
    const response = await fetch(`${this.carrierUrl}/_test/received`, {
      headers: this.carrierControl,
    });
    if (!response.ok) throw new Error(`GET /_test/received answered ${String(response.status)}`);
    const { requests } = (await response.json()) as { requests: { outcome: string }[] };
    return requests.filter((r) => r.outcome === 'refused').length;
  }

  private async put(url: string, patch: unknown, headers: Record<string, string>): Promise<void> {
    const response = await fetch(url, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    });
    if (!response.ok) throw new Error(`PUT ${url} answered ${String(response.status)}`);
  }
}
