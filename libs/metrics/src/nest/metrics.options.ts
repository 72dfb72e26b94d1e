import type { InjectionToken } from '@nestjs/common';
import type { DependencyCheck } from '../health/dependency-check';

export interface MetricsModuleOptions {
  /** Added as the `service` label to every series. */
  readonly service: string;
  /** What `/health/ready` checks; an empty list means ready whenever the process is live. */
  readonly readinessChecks: readonly DependencyCheck[];
  /**
   * Checks that are providers of the app, checked after `readinessChecks`: state only the app
   * knows, such as whether its consumer has joined its group (`ConsumerReadinessCheck` of
   * `#lumen/messaging`).
   */
  readonly readinessCheckProviders?: readonly InjectionToken<DependencyCheck>[];
  /** Per dependency; default 2 s, well under a probe's usual timeout. */
  readonly readinessTimeoutMs?: number;
}

export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');
/** Every check `/health/ready` runs: `readinessChecks`, then the providers'. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
