import type { DependencyCheck } from '../health/dependency-check';

export interface MetricsModuleOptions {
  /** Added as the `service` label to every series. */
  readonly service: string;
  /** What `/health/ready` checks; an empty list means ready whenever the process is live. */
  readonly readinessChecks: readonly DependencyCheck[];
  /** Per dependency; default 2 s, well under a probe's usual timeout. */
  readonly readinessTimeoutMs?: number;
}

export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');
