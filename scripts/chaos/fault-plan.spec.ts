import { planFaults, SAME_SERVICE_GAP_MS, seededRandom } from './fault-plan';

const SERVICES = ['checkout', 'fulfilment', 'payment', 'privacy'];

describe('the fault plan', () => {
  it.each([
    [75_000, 1, 0],
    [180_000, 2, 1],
    [600_000, 3, 2],
  ])('over %i ms kills every service, and never one service twice within the gap', (ms, b, p) => {
    for (let seed = 0; seed < 50; seed += 1) {
      const plan = planFaults({
        durationMs: ms,
        services: SERVICES,
        brokerRestarts: b,
        postgresRestarts: p,
        random: seededRandom(seed),
      });
      for (const service of SERVICES) {
        const kills = plan.filter((f) => f.kind === 'sigkill' && f.target === service);
        expect(kills.length).toBeGreaterThanOrEqual(1);
        for (let i = 1; i < kills.length; i += 1)
          expect(kills[i]!.atMs - kills[i - 1]!.atMs).toBeGreaterThanOrEqual(SAME_SERVICE_GAP_MS);
      }
      expect(plan.filter((f) => f.kind === 'broker-restart')).toHaveLength(b);
      expect(plan.filter((f) => f.kind === 'postgres-restart')).toHaveLength(p);
      // Nothing in the last 15%: the pipeline recovers before the load stops.
      expect(Math.max(...plan.map((f) => f.atMs))).toBeLessThanOrEqual(ms * 0.85);
      expect(plan.map((f) => f.atMs)).toEqual([...plan.map((f) => f.atMs)].sort((x, y) => x - y));
    }
  });

  it('kills checkout first in each round, so its slow recovery overlaps the other faults', () => {
    for (let seed = 0; seed < 20; seed += 1) {
      const kills = planFaults({
        durationMs: 75_000,
        services: SERVICES,
        brokerRestarts: 1,
        postgresRestarts: 0,
        random: seededRandom(seed),
      }).filter((f) => f.kind === 'sigkill');
      expect(kills[0]?.target).toBe('checkout');
    }
  });

  it('keeps the broker and PostgreSQL restarts at least 10% of the run apart', () => {
    for (let seed = 0; seed < 50; seed += 1) {
      const ms = 180_000;
      const infra = planFaults({
        durationMs: ms,
        services: SERVICES,
        brokerRestarts: 2,
        postgresRestarts: 1,
        random: seededRandom(seed),
      }).filter((f) => f.kind === 'broker-restart' || f.kind === 'postgres-restart');
      for (let i = 1; i < infra.length; i += 1)
        expect(infra[i]!.atMs - infra[i - 1]!.atMs).toBeGreaterThanOrEqual(ms * 0.1);
    }
  });

  it('is the same plan for the same seed, and another for another seed', () => {
    const plan = (seed: number) =>
      planFaults({
        durationMs: 180_000,
        services: SERVICES,
        brokerRestarts: 2,
        postgresRestarts: 1,
        random: seededRandom(seed),
      });
    expect(plan(7)).toEqual(plan(7));
    expect(plan(7)).not.toEqual(plan(8));
  });

  it('makes the gateway and the carrier misbehave in every kind of way', () => {
    const kinds = new Set(
      planFaults({
        durationMs: 75_000,
        services: SERVICES,
        brokerRestarts: 1,
        postgresRestarts: 0,
        random: seededRandom(1),
      }).map((f) => f.kind),
    );
    for (const kind of [
      'gateway-timeouts',
      'gateway-errors',
      'carrier-errors',
      'carrier-hangs',
      'carrier-refusals',
    ] as const)
      expect(kinds).toContain(kind);
  });
});
