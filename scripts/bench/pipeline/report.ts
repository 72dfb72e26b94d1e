import { markdownTable, round } from '../bench-stats';
import type { KafkaBaseline, PostgresBaseline } from './baselines';
import type { PhaseFigures } from './phase-figures';
import type { ProcessUsage } from './process-stats';

export interface MeasuredPhase {
  readonly figures: PhaseFigures;
  readonly processes: Record<string, ProcessUsage>;
  /** The whole box, other people's processes included (the machine is shared). */
  readonly boxCpuPercent: number;
  readonly commitsPerOrder: number;
  readonly kafkaMessagesPerOrder: number;
  readonly drain?: { seconds: number; unfinished: number };
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
  readonly steady: MeasuredPhase;
  /** Orders of the steady phase not yet handed over when the ramp began. */
  readonly inFlightAtRampStart: number;
  /** The box's 1, 5 and 15-minute load averages: how shared the 2 cores were. */
  readonly loadAverage: { atStart: number[]; atEnd: number[] };
  readonly ramp: readonly MeasuredPhase[];
  readonly atEnd: { consumerLag: Record<string, number>; outboxBacklog: Record<string, number> };
  readonly afterDrain: {
    seconds: number;
    unfinished: number;
    consumerLag: Record<string, number>;
    outboxBacklog: Record<string, number>;
  };
  readonly errors: Record<string, number>;
}

const STAGES = ['accepted', 'paid', 'handedOver'] as const;
const STAGE_NAMES: Record<(typeof STAGES)[number], string> = {
  accepted: 'accepted (checkout)',
  paid: 'paid (payment)',
  handedOver: 'handed to the carrier (fulfilment)',
};

/** The highest offered rate every stage kept up with, and each stage's best rate. */
export function sustained(ramp: readonly MeasuredPhase[]): {
  rate: number;
  peak: Record<(typeof STAGES)[number], number>;
} {
  const kept = ramp.filter((step) => !step.figures.saturated);
  const peak = Object.fromEntries(
    STAGES.map((stage) => [stage, Math.max(0, ...ramp.map((s) => s.figures.perSecond[stage]))]),
  ) as Record<(typeof STAGES)[number], number>;
  return { rate: Math.max(0, ...kept.map((step) => step.figures.offeredPerSecond)), peak };
}

const cpuRow = (usage: Record<string, ProcessUsage>, group: string) => {
  const u = usage[group];
  return u ? `${round(u.cpuPercent, 0)}% / ${round(u.maxRssMb, 0)} MB` : '-';
};

export function renderMarkdown(result: PipelineBenchResult): string {
  const { kafka, postgres } = result.baselines;
  const phases = [result.steady, ...result.ramp];
  const ms = (value: number) => round(value, 0);

  const stageTable = markdownTable(
    [
      'phase',
      'offered/s',
      'accepted/s',
      'paid/s',
      'handed over/s',
      'accept→hand-off p50 / p95 / p99 ms',
      'paid→token destroyed p50 / p99 ms',
      'POST p99 ms',
      'kept up',
    ],
    phases.map(({ figures: f }) => [
      f.name,
      round(f.offeredPerSecond, 0),
      round(f.perSecond.accepted, 0),
      round(f.perSecond.paid, 0),
      round(f.perSecond.handedOver, 0),
      `${ms(f.acceptToHandOverMs.p50)} / ${ms(f.acceptToHandOverMs.p95)} / ${ms(f.acceptToHandOverMs.p99)}`,
      `${ms(f.paidToTokenDestroyedMs.p50)} / ${ms(f.paidToTokenDestroyedMs.p99)}`,
      ms(f.postOrderMs.p99),
      f.saturated ? 'no' : 'yes',
    ]),
  );

  const best = sustained(result.ramp);
  const last = result.ramp[result.ramp.length - 1] ?? result.steady;
  const boundTable = markdownTable(
    ['stage', 'peak orders/s', 'vs raw kafkajs msgs/s', 'vs raw PostgreSQL commits/s'],
    [
      ['raw kafkajs produce → consume', round(kafka.perSecond, 0), '1.000', '-'],
      ['raw PostgreSQL single-row commits', round(postgres.commitsPerSecond, 0), '-', '1.000'],
      ...STAGES.map((stage) => [
        STAGE_NAMES[stage],
        round(best.peak[stage], 0),
        round(best.peak[stage] / kafka.perSecond, 3),
        round(best.peak[stage] / postgres.commitsPerSecond, 3),
      ]),
    ],
  );

  const groups = [...new Set(phases.flatMap((phase) => Object.keys(phase.processes)))].sort();
  // CPU time per order: a process's CPU above its idle cost (pollers, relays, heartbeats),
  // over the orders moving meanwhile, in the last phase every stage kept up with (where the
  // stages move at one rate), else the steady phase with the mean of its stage rates.
  const reference =
    [...result.ramp].reverse().find((step) => !step.figures.saturated) ?? result.steady;
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

  const perOrder = (phase: MeasuredPhase) =>
    `${round(phase.commitsPerOrder, 1)} PostgreSQL transactions and ${round(phase.kafkaMessagesPerOrder, 1)} Kafka messages per accepted order`;
  const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);
  const listed = (record: Record<string, number>) =>
    Object.entries(record)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');

  return [
    `### Pipeline benchmark, ${result.at}`,
    '',
    `\`${result.command}\` on ${result.machine.cores} cores (${result.machine.model ?? 'unknown CPU'}), ` +
      `${result.machine.memoryGiB} GiB; broker, PostgreSQL, Redis, the six services and the load generator on one box; ` +
      `load average ${result.loadAverage.atStart.map((n) => round(n, 1)).join(' ')} at the start, ` +
      `${result.loadAverage.atEnd.map((n) => round(n, 1)).join(' ')} at the end (other users' work included).`,
    '',
    stageTable,
    '',
    `Sustained end to end (every stage ≥ the saturation share of the offered rate): **${best.rate} orders/s**. ` +
      `The ramp began with ${result.inFlightAtRampStart} steady-phase orders still in flight.`,
    '',
    boundTable,
    '',
    `Work per order: ${perOrder(result.steady)} (steady phase; transactions include read-only ones, and anything else using the database meanwhile: ${round(result.idle.transactionsPerSecond, 0)}/s with no orders).`,
    '',
    'CPU (percent of one core; 200% is the whole box) and memory per process:',
    '',
    processTable,
    '',
    `At the end of the ramp: consumer lag ${sum(result.atEnd.consumerLag)} (${listed(result.atEnd.consumerLag)}), ` +
      `outbox backlog ${sum(result.atEnd.outboxBacklog)} (${listed(result.atEnd.outboxBacklog)}). ` +
      `After ${round(result.afterDrain.seconds, 0)} s of drain: ${result.afterDrain.unfinished} orders not yet handed over, ` +
      `lag ${sum(result.afterDrain.consumerLag)}, outbox ${sum(result.afterDrain.outboxBacklog)}.`,
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
