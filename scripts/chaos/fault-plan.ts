import type { FaultKind } from './faults';

/**
 * When each fault happens, drawn at random (from a seed, so a failing run can be replayed)
 * under a few rules:
 * - every service is SIGKILLed at least once, at a random moment of its own slot, checkout
 *   first in each round: a restarted service answers only once its Kafka consumer has
 *   rejoined its group (30 to 70 s after a SIGKILL, see docs/runbooks/chaos.md), and while
 *   checkout is down no order enters; killed first, its outage overlaps the other faults,
 *   which then meet the burst of orders the storefront was retrying, instead of stretching
 *   the run past the load; the same
 *   service is not killed again within the supervisor's backoff reset (30 s), so each crash is
 *   followed by a prompt restart rather than an ever longer backoff;
 * - the broker and PostgreSQL restarts never overlap each other: each gets its own stretch;
 * - gateway and carrier misbehaviour is spread over the whole load;
 * - nothing happens in the last 15% of the load, so the orders placed at the end meet a
 *   pipeline that is recovering, not one that is down when the load stops.
 */
export interface PlannedFault {
  readonly atMs: number;
  readonly kind: FaultKind;
  /** The service to kill; empty for the others. */
  readonly target: string;
  /** Gateway timeouts and carrier refusals: how long the switch stays on (at most). */
  readonly windowMs?: number;
  /** Gateway 5xx, carrier 5xx and hangs: how many requests; refusals: how many to refuse. */
  readonly count?: number;
}

export interface PlanOptions {
  readonly durationMs: number;
  readonly services: readonly string[];
  readonly brokerRestarts: number;
  readonly postgresRestarts: number;
  /** A number in [0, 1); seeded in production so a run can be repeated. */
  readonly random: () => number;
}

/** The supervisor in scripts/lumen.mjs resets its restart backoff after 30 s of uptime. */
export const SAME_SERVICE_GAP_MS = 30_000;

/** mulberry32: a small seeded generator, enough to replay a schedule. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function planFaults(options: PlanOptions): PlannedFault[] {
  const { durationMs, random } = options;
  const start = durationMs * 0.05;
  const end = durationMs * 0.85;
  const span = end - start;
  const at = (from: number, to: number) => Math.round(from + random() * (to - from));
  const plan: PlannedFault[] = [];

  // Kills: as many rounds as the gap allows; in each round every service once, in one shuffled
  // order kept across rounds, at a random moment of its own sub-slot (the first 80% of it).
  // Two kills of one service are then at least roundMs * (1 - 0.8 / n) apart.
  const services = [...options.services]
    .sort(() => random() - 0.5)
    .sort((a, b) => Number(b === 'checkout') - Number(a === 'checkout'));
  const n = Math.max(1, services.length);
  const minRoundMs = SAME_SERVICE_GAP_MS / (1 - 0.8 / n);
  const rounds = Math.max(1, Math.floor(span / minRoundMs));
  const roundMs = span / rounds;
  const slot = roundMs / n;
  for (let round = 0; round < rounds; round += 1) {
    services.forEach((service, index) => {
      const from = start + round * roundMs + index * slot;
      plan.push({ atMs: at(from, from + slot * 0.8), kind: 'sigkill', target: service });
    });
  }

  // Infrastructure: broker and PostgreSQL restarts alternate over evenly spaced stretches.
  const infra: FaultKind[] = [];
  for (let i = 0; i < Math.max(options.brokerRestarts, options.postgresRestarts); i += 1) {
    if (i < options.brokerRestarts) infra.push('broker-restart');
    if (i < options.postgresRestarts) infra.push('postgres-restart');
  }
  const stretch = span / Math.max(1, infra.length);
  infra.forEach((kind, index) => {
    const from = start + index * stretch;
    plan.push({ atMs: at(from + stretch * 0.2, from + stretch * 0.6), kind, target: '' });
  });

  // The outside world misbehaving: one of each per 30 s of load, at least one of each.
  const outsiders = Math.max(1, Math.round(span / 30_000));
  for (let i = 0; i < outsiders; i += 1) {
    const from = start + (i * span) / outsiders;
    const to = start + ((i + 1) * span) / outsiders;
    plan.push(
      { atMs: at(from, to), kind: 'gateway-timeouts', target: '', windowMs: 6_000 },
      { atMs: at(from, to), kind: 'gateway-errors', target: '', count: 6 },
      { atMs: at(from, to), kind: 'carrier-errors', target: '', count: 4 },
      { atMs: at(from, to), kind: 'carrier-hangs', target: '', count: 2 },
      { atMs: at(from, to), kind: 'carrier-refusals', target: '', windowMs: 40_000, count: 3 },
    );
  }
  return plan.sort((a, b) => a.atMs - b.atMs);
}
