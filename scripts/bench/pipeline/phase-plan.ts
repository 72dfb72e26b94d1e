/**
 * The order of the benchmark's load phases and the rates they offer. The ramp comes first so
 * the steady phase can be placed below the rate this box sustains: a steady phase above it
 * would only measure a queue growing, and would leave a backlog for whatever ran next.
 */

/**
 * Fine steps where a 2-core box running everything saturates (tens of orders per second),
 * coarser ones above so a faster machine still reaches the target of 1,000/s in a few steps.
 */
export const DEFAULT_RAMP_RATES: readonly number[] = [
  5, 10, 15, 20, 30, 40, 60, 80, 120, 160, 250, 500, 1000,
];

/** The ramp stops at the first step that does not keep up, so its rates must rise. */
export function risingRates(rates: readonly number[]): number[] {
  return [...new Set(rates)].sort((a, b) => a - b);
}

/** What the ramp needs to know of a step to place the steady phase. */
export interface RampStepOutcome {
  readonly offeredPerSecond: number;
  readonly saturated: boolean;
}

/** The highest offered rate every stage kept up with; 0 if no step did. */
export function sustainedRate(ramp: readonly RampStepOutcome[]): number {
  return Math.max(0, ...ramp.filter((step) => !step.saturated).map((s) => s.offeredPerSecond));
}

export type SteadyRateBasis =
  /** BENCH_STEADY_RATE was set. */
  | 'set explicitly'
  /** Half the sustained rate: where the target states its p99. */
  | 'half the sustained rate'
  /** No ramp step kept up: half the lowest step, a rate the box may still carry. */
  | 'half the lowest ramp step';

export interface SteadyPlan {
  readonly rate: number;
  readonly basis: SteadyRateBasis;
}

export function planSteadyPhase(options: {
  ramp: readonly RampStepOutcome[];
  /** BENCH_STEADY_RATE, when set. */
  explicitRate: number | undefined;
}): SteadyPlan {
  if (options.explicitRate !== undefined) {
    return { rate: options.explicitRate, basis: 'set explicitly' };
  }
  const sustained = sustainedRate(options.ramp);
  if (sustained > 0) return { rate: sustained / 2, basis: 'half the sustained rate' };
  const lowest = Math.min(...options.ramp.map((step) => step.offeredPerSecond));
  if (!Number.isFinite(lowest)) throw new Error('the steady phase is planned after the ramp');
  return { rate: lowest / 2, basis: 'half the lowest ramp step' };
}
