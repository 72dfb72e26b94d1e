import { summarise } from '../bench-stats';
import type { PhaseFigures } from './phase-figures';
import {
  costReferencePhase,
  renderMarkdown,
  type MeasuredPhase,
  type PipelineBenchResult,
} from './report';

/** A phase offering `rate`/s whose stages each moved `moved`/s, each order taking `latencyMs`. */
function phase(
  name: string,
  rate: number,
  options: { saturated: boolean; moved?: number; latencyMs?: number[]; checkoutCpu?: number },
): MeasuredPhase {
  const moved = options.moved ?? rate;
  const latencies = options.latencyMs ?? [100];
  const figures: PhaseFigures = {
    name,
    offeredPerSecond: rate,
    seconds: 10,
    posted: rate * 10,
    refusedOrFailedPosts: 0,
    perSecond: { accepted: moved, paid: moved, handedOver: moved },
    acceptToHandOverMs: summarise(latencies),
    paidToTokenDestroyedMs: summarise([40]),
    postOrderMs: summarise([15]),
    handedOver: latencies.length,
    paymentFailed: 0,
    saturated: options.saturated,
  };
  return {
    figures,
    processes: { checkout: { cpuPercent: options.checkoutCpu ?? 20, maxRssMb: 400 } },
    boxCpuPercent: 150,
    commitsPerOrder: 20,
    kafkaMessagesPerOrder: 8,
  };
}

const empty = { consumerLag: { payment: 0 }, outboxBacklog: { checkout: 0 } };

function result(ramp: MeasuredPhase[], steady: MeasuredPhase): PipelineBenchResult {
  return {
    at: '2026-11-25T15:00:00.000Z',
    command: 'npm run bench',
    machine: { cores: 2, model: 'test CPU', memoryGiB: 24 },
    baselines: {
      kafka: { messages: 10_000, messageBytes: 1_000, perSecond: 10_000 },
      postgres: { connections: 8, seconds: 5, commitsPerSecond: 4_000 },
    },
    idle: {
      seconds: 5,
      processes: { checkout: { cpuPercent: 2, maxRssMb: 380 } },
      boxCpuPercent: 20,
      transactionsPerSecond: 40,
    },
    loadAverage: { atStart: [1, 1, 1], atEnd: [2, 2, 2] },
    ramp,
    atRampEnd: { consumerLag: { payment: 120 }, outboxBacklog: { checkout: 0 } },
    drainAfterRamp: { seconds: 12, unfinished: 0, ...empty },
    steadyPlan: { rate: steady.figures.offeredPerSecond, basis: 'half the sustained rate' },
    steady,
    inFlightAtSteadyStart: 0,
    atEnd: { seconds: 3, unfinished: 0, ...empty },
    errors: {},
  };
}

const ramp = [
  phase('ramp 5/s', 5, { saturated: false }),
  phase('ramp 10/s', 10, { saturated: false, checkoutCpu: 30 }),
  phase('ramp 15/s', 15, { saturated: true, moved: 12 }),
];

describe('costReferencePhase', () => {
  it('is the steady phase when it kept up', () => {
    const steady = phase('steady 5/s', 5, { saturated: false });
    expect(costReferencePhase(steady, ramp)).toBe(steady);
  });

  it('is the highest ramp step that kept up when the steady phase did not', () => {
    const steady = phase('steady 5/s', 5, { saturated: true });
    expect(costReferencePhase(steady, ramp).figures.name).toBe('ramp 10/s');
  });

  it('is the steady phase when nothing kept up', () => {
    const steady = phase('steady 2.5/s', 2.5, { saturated: true });
    expect(costReferencePhase(steady, [phase('ramp 5/s', 5, { saturated: true })])).toBe(steady);
  });
});

describe('renderMarkdown', () => {
  const latencies = Array.from({ length: 100 }, (_, i) => 100 + i);
  const markdown = renderMarkdown(
    result(ramp, phase('steady 5/s', 5, { saturated: false, latencyMs: latencies })),
  );

  it('heads with the sustained rate and the p99 at half of it, each beside its target', () => {
    expect(markdown).toContain('**Sustained end to end: 10.0 orders/s**');
    expect(markdown).toContain('target: 1,000 orders/s');
    expect(markdown).toContain(
      'At half that rate (steady 5/s for 10 s): **accept→hand-off p99 198 ms**',
    );
    expect(markdown).toContain('(target: under 250 ms at half the sustained rate)');
  });

  it("gives the sustained rate and each stage's peak (the saturated step included) as a ratio of the raw bounds", () => {
    expect(markdown).toContain('| end to end, sustained | 10.0 | 0.0010 | 0.0025 |');
    expect(markdown).toContain('| paid (payment), peak | 12.0 | 0.0012 | 0.0030 |');
  });

  it('computes CPU per order from the steady phase, not from the overloaded last step', () => {
    // checkout: (20% − 2% idle) of a core over 5 orders/s = 36 ms per order.
    expect(markdown).toContain('CPU ms per order (steady 5/s, above idle)');
    expect(markdown).toMatch(/\| checkout \| 2% \| 20% \/ 400 MB \| 36\.00 \| 20% \/ 400 MB \|/);
  });

  it('says when the steady phase itself fell behind', () => {
    const overloaded = renderMarkdown(result(ramp, phase('steady 5/s', 5, { saturated: true })));
    expect(overloaded).toContain('The steady phase itself did not keep up');
    expect(markdown).not.toContain('The steady phase itself did not keep up');
  });
});
