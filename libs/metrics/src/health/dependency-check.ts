import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

/** One thing a service needs to do its work: PostgreSQL, Kafka, Redis. */
export interface DependencyCheck {
  /** Shown in the readiness answer: `postgres`, `kafka`, `redis`. */
  readonly name: string;
  /** Resolves when the dependency answered; rejects (or never settles) when it did not. */
  check(): Promise<void>;
}

export interface DependencyStatus {
  readonly name: string;
  readonly ok: boolean;
  readonly latencyMs: number;
  /** Why it failed: the error class and message of the client, never a connection string. */
  readonly error?: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly dependencies: readonly DependencyStatus[];
}

/**
 * Runs every check at once, each bounded by `timeoutMs`. Checks run with tracing suppressed: a
 * probe every few seconds would otherwise fill the trace backend with `SELECT 1` and `PING`.
 */
export async function checkReadiness(
  checks: readonly DependencyCheck[],
  timeoutMs: number,
): Promise<Readiness> {
  const dependencies = await Promise.all(
    checks.map((dependency) =>
      context.with(suppressTracing(context.active()), () => runOne(dependency, timeoutMs)),
    ),
  );
  return { ready: dependencies.every((d) => d.ok), dependencies };
}

/**
 * `/health/ready` is public (load balancers and orchestrators call it unauthenticated), and each
 * check opens a connection of its own to PostgreSQL, Redis or the broker. So concurrent probes
 * share one run, and an answer is reused for `freshForMs`: a burst of probes costs the
 * dependencies one round of checks, not one per request, and cannot exhaust their connections.
 */
export class ReadinessProbe {
  private inFlight: Promise<Readiness> | undefined;
  private last: { readonly at: number; readonly readiness: Readiness } | undefined;

  constructor(
    private readonly checks: readonly DependencyCheck[],
    private readonly timeoutMs: number,
    private readonly freshForMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  read(): Promise<Readiness> {
    if (this.last && this.now() - this.last.at < this.freshForMs) {
      return Promise.resolve(this.last.readiness);
    }
    this.inFlight ??= checkReadiness(this.checks, this.timeoutMs)
      .then((readiness) => {
        this.last = { at: this.now(), readiness };
        return readiness;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}

async function runOne(dependency: DependencyCheck, timeoutMs: number): Promise<DependencyStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([dependency.check(), timeout]);
    return { name: dependency.name, ok: true, latencyMs: elapsed(started) };
  } catch (error) {
    return {
      name: dependency.name,
      ok: false,
      latencyMs: elapsed(started),
      error: describe(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

const CREDENTIALS_IN_URL = /\b([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/gi;

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown failure';
  // Client errors sometimes quote the URL they were given; its password is not for a probe.
  return text.replace(CREDENTIALS_IN_URL, '$1***@').slice(0, 300);
}
