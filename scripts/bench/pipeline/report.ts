import { markdownTable, round, type LatencySummary } from '../bench-stats';
import type { KafkaBaseline, PostgresBaseline } from './baselines';
import type { PhaseFigures } from './phase-figures';
import { sustainedRate, type SteadyPlan } from './phase-plan';
import type { ProcessUsage } from './process-stats';

export interface MeasuredPhase {
  readonly figures: PhaseFigures;
  readonly processes: Record<string, ProcessUsage>;
  /** The whole box, other people's processes included (the machine is shared). */
  readonly boxCpuPercent: number;
  readonly commitsPerOrder: number;
  readonly kafkaMessagesPerOrder: number;
}

/** What the order flow still owes: events per consumer group, unpublished outbox rows per schema. */
export interface Backlog {
  readonly consumerLag: Record<string, number>;
  readonly outboxBacklog: Record<string, number>;
}

/** A bounded wait for the benchmark's orders to finish and the backlog to empty. */
export interface Drain extends Backlog {
  readonly seconds: number;
  /** Benchmark orders neither handed to the carrier nor failed when the wait ended. */
  readonly unfinished: number;
}

export interface PipelineBenchResult {
  readonly at: string;
  readonly command: string;
  readonly machine: { cores: number; model: string | undefined; memoryGiB: number };
  readonly baselines: { kafka: KafkaBaseline; postgres: PostgresBaseline };
  /** The pipeline with no orders: its background cost. */
  readonly idle: {
    seconds: number;
    processes: Record<string, ProcessUsage>;
    boxCpuPercent: number;
    transactionsPerSecond: number;
  };
  /** The box's 1, 5 and 15-minute load averages: how shared the 2 cores were. */
  readonly loadAverage: { atStart: number[]; atEnd: number[] };
  /** Rising rates, stopped after the first step that did not keep up. */
  readonly ramp: readonly MeasuredPhase[];
  /** Where the last (saturated) step left the order flow: which stage fell behind. */
  readonly atRampEnd: Backlog;
  readonly drainAfterRamp: Drain;
  readonly steadyPlan: SteadyPlan;
  readonly steady: MeasuredPhase;
  /** Orders of earlier phases not yet handed over when the steady phase began. */
  readonly inFlightAtSteadyStart: number;
  /** After the steady phase and its drain. */
  readonly atEnd: Drain;
  readonly errors: Record<string, number>;
}

/** The target for this machine (2 cores, everything on one box), from the benchmark's issue. */
export const TARGET = { sustainedPerSecond: 1_000, p99Ms: 250 } as const;

const STAGES = ['accepted', 'paid', 'handedOver'] as const;
const STAGE_NAMES: Record<(typeof STAGES)[number], string> = {
  accepted: 'accepted (checkout)',
  paid: 'paid (payment)',
  handedOver: 'handed to the carrier (fulfilment)',
};

/** Each stage's best rate over the ramp: what it moved, whether or not the others kept up. */
function peakStageRates(ramp: readonly MeasuredPhase[]): Record<(typeof STAGES)[number], number> {
  return Object.fromEntries(
    STAGES.map((stage) => [stage, Math.max(0, ...ramp.map((s) => s.figures.perSecond[stage]))]),
  ) as Record<(typeof STAGES)[number], number>;
}

/**
 * The phase CPU per order is computed from: one that kept up, since in an overloaded phase the
 * CPU goes partly to queueing (retries, polls, lag) and the stages move at different rates.
 * The steady phase was placed to keep up; if it did not (the box is shared), the highest ramp
 * step that did; if none did, the steady phase anyway, and the report says it was overloaded.
 */
export function costReferencePhase(
  steady: MeasuredPhase,
  ramp: readonly MeasuredPhase[],
): MeasuredPhase {
  if (!steady.figures.saturated) return steady;
  return [...ramp].reverse().find((step) => !step.figures.saturated) ?? steady;
}

const cpuRow = (usage: Record<string, ProcessUsage>, group: string) => {
  const u = usage[group];
  return u ? `${round(u.cpuPercent, 0)}% / ${round(u.maxRssMb, 0)} MB` : '-';
};

const ms = (value: number) => round(value, 0);
const percentiles = (latency: LatencySummary) =>
  `${ms(latency.p50)} / ${ms(latency.p95)} / ${ms(latency.p99)}`;
const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);
const listed = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
const backlog = (b: Backlog) =>
  `consumer lag ${sum(b.consumerLag)} (${listed(b.consumerLag)}), ` +
  `outbox backlog ${sum(b.outboxBacklog)} (${listed(b.outboxBacklog)})`;

/** The two figures the target is stated in, each beside it. */
function headline(result: PipelineBenchResult): string[] {
  const sustained = sustainedRate(result.ramp.map((step) => step.figures));
  const { steady, steadyPlan } = result;
  const f = steady.figures;
  const where: Record<SteadyPlan['basis'], string> = {
    'half the sustained rate': `At half that rate (${f.name} for ${round(f.seconds, 0)} s)`,
    'set explicitly': `At ${round(steadyPlan.rate, 1)}/s (BENCH_STEADY_RATE, set explicitly; ${f.name} for ${round(f.seconds, 0)} s)`,
    'half the lowest ramp step': `No ramp step kept up; at half the lowest step (${f.name} for ${round(f.seconds, 0)} s)`,
  };
  return [
    `**Sustained end to end: ${round(sustained, 1)} orders/s**, the highest ramp step every stage kept up with ` +
      `(target: ${TARGET.sustainedPerSecond.toLocaleString('en')} orders/s).`,
    '',
    `${where[steadyPlan.basis]}: **accept→hand-off p99 ${ms(f.acceptToHandOverMs.p99)} ms** ` +
      `(target: under ${TARGET.p99Ms} ms at half the sustained rate); p50 / p95 / p99 ${percentiles(f.acceptToHandOverMs)} ms ` +
      `over ${f.handedOver} of ${f.posted} orders handed over; ` +
      `payment confirmed → card-token key destroyed p50 / p95 / p99 ${percentiles(f.paidToTokenDestroyedMs)} ms.` +
      (f.saturated
        ? ' The steady phase itself did not keep up (other work on the shared box, or a ramp step that passed by a narrow margin), so these latencies include queueing.'
        : ''),
  ];
}

export function renderMarkdown(result: PipelineBenchResult): string {
  const { kafka, postgres } = result.baselines;
  const phases = [...result.ramp, result.steady];

  const stageTable = markdownTable(
    [
      'phase',
      'offered/s',
      'accepted/s',
      'paid/s',
      'handed over/s',
      'accept→hand-off p50 / p95 / p99 ms',
      'paid→token destroyed p50 / p95 / p99 ms',
      'POST p99 ms',
      'kept up',
    ],
    phases.map(({ figures: f }) => [
      f.name,
      round(f.offeredPerSecond, 1),
      round(f.perSecond.accepted, 1),
      round(f.perSecond.paid, 1),
      round(f.perSecond.handedOver, 1),
      percentiles(f.acceptToHandOverMs),
      percentiles(f.paidToTokenDestroyedMs),
      ms(f.postOrderMs.p99),
      f.saturated ? 'no' : 'yes',
    ]),
  );

  const sustained = sustainedRate(result.ramp.map((step) => step.figures));
  const peak = peakStageRates(result.ramp);
  const againstBounds = (perSecond: number) => [
    round(perSecond, 1),
    round(perSecond / kafka.perSecond, 4),
    round(perSecond / postgres.commitsPerSecond, 4),
  ];
  const boundTable = markdownTable(
    ['stage', 'orders/s', 'vs raw kafkajs msgs/s', 'vs raw PostgreSQL commits/s'],
    [
      ['raw kafkajs produce → consume', round(kafka.perSecond, 0), '1', '-'],
      ['raw PostgreSQL single-row commits', round(postgres.commitsPerSecond, 0), '-', '1'],
      ...STAGES.map((stage) => [`${STAGE_NAMES[stage]}, peak`, ...againstBounds(peak[stage])]),
      ['end to end, sustained', ...againstBounds(sustained)],
    ],
  );

  // The last ramp step is where the pipeline stopped keeping up: its CPU shows which process
  // ran out first.
  const last = result.ramp[result.ramp.length - 1] ?? result.steady;
  const reference = costReferencePhase(result.steady, result.ramp);
  const groups = [...new Set(phases.flatMap((phase) => Object.keys(phase.processes)))].sort();
  // CPU time per order: a process's CPU above its idle cost (pollers, relays, heartbeats), over
  // the orders moving meanwhile (the mean of the stage rates, which agree in a phase that kept up).
  const { accepted, paid, handedOver } = reference.figures.perSecond;
  const referenceRate = (accepted + paid + handedOver) / 3;
  const marginal = (phaseCpu: number | undefined, idleCpu: number | undefined) =>
    phaseCpu !== undefined && referenceRate > 0
      ? round(((phaseCpu - (idleCpu ?? 0)) * 10) / referenceRate, 2)
      : '-';
  const idleCpu = (group: string) => {
    const u = result.idle.processes[group];
    return u ? `${round(u.cpuPercent, 0)}%` : '-';
  };
  const processTable = markdownTable(
    [
      'process',
      'CPU idle',
      `CPU / max RSS, ${reference.figures.name}`,
      `CPU ms per order (${reference.figures.name}, above idle)`,
      `CPU / max RSS, ${last.figures.name}`,
    ],
    [
      ...groups.map((group) => [
        group,
        idleCpu(group),
        cpuRow(reference.processes, group),
        marginal(reference.processes[group]?.cpuPercent, result.idle.processes[group]?.cpuPercent),
        cpuRow(last.processes, group),
      ]),
      [
        'whole box (every process, other users included)',
        `${round(result.idle.boxCpuPercent, 0)}%`,
        `${round(reference.boxCpuPercent, 0)}%`,
        marginal(reference.boxCpuPercent, result.idle.boxCpuPercent),
        `${round(last.boxCpuPercent, 0)}%`,
      ],
    ],
  );

  const { drainAfterRamp: drained, atEnd } = result;
  return [
    `### Pipeline benchmark, ${result.at}`,
    '',
    `\`${result.command}\` on ${result.machine.cores} cores (${result.machine.model ?? 'unknown CPU'}), ` +
      `${result.machine.memoryGiB} GiB; broker, PostgreSQL, Redis, the six services and the load generator on one box; ` +
      `load average ${result.loadAverage.atStart.map((n) => round(n, 1)).join(' ')} at the start, ` +
      `${result.loadAverage.atEnd.map((n) => round(n, 1)).join(' ')} at the end (other users' work included).`,
    '',
    ...headline(result),
    '',
    stageTable,
    '',
    boundTable,
    '',
    `Work per order (${reference.figures.name}): ${round(reference.commitsPerOrder, 1)} PostgreSQL transactions and ` +
      `${round(reference.kafkaMessagesPerOrder, 1)} Kafka messages per accepted order (transactions include read-only ones, ` +
      `and anything else using the database meanwhile: ${round(result.idle.transactionsPerSecond, 0)}/s with no orders).` +
      (reference.figures.saturated
        ? ' No phase kept up: these and the CPU per order include queueing.'
        : ''),
    '',
    'CPU (percent of one core; 200% is the whole box) and memory per process:',
    '',
    processTable,
    '',
    `At the end of the ramp (${last.figures.name}): ${backlog(result.atRampEnd)}. ` +
      `After ${round(drained.seconds, 0)} s of drain: ${drained.unfinished} orders not yet handed over, ` +
      `lag ${sum(drained.consumerLag)}, outbox ${sum(drained.outboxBacklog)}; ` +
      `the steady phase began with ${result.inFlightAtSteadyStart} earlier orders in flight.`,
    '',
    `At the end (after the steady phase and ${round(atEnd.seconds, 0)} s of drain): ${atEnd.unfinished} orders not yet handed over, ${backlog(atEnd)}.`,
    ...(Object.keys(result.errors).length > 0
      ? [
          '',
          `Failed posts: ${Object.entries(result.errors)
            .map(([m, n]) => `${n}× ${m}`)
            .join('; ')}`,
        ]
      : []),
    '',
  ].join('\n');
}
