import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Pool } from 'pg';
import { z } from 'zod';
import { envFields, loadConfig } from '#lumen/config';
import { LUMEN_TOPICS } from '#lumen/contracts';
import { sampleOrder } from '../driver/sample-orders';
import { findRoot, startPipeline, type Pipeline } from '../pipeline/start-pipeline';
import { StorefrontClient, TEST_CARDS } from '../pipeline/storefront-client';
import {
  kafkaBaseline,
  postgresBaseline,
  type KafkaBaseline,
  type PostgresBaseline,
} from './pipeline/baselines';
import { KeepAliveClient, mapConcurrently, openLoop } from './pipeline/http-load';
import { consumerLag, messagesWritten } from './pipeline/kafka-lag';
import { phaseFigures } from './pipeline/phase-figures';
import { DEFAULT_RAMP_RATES, planSteadyPhase, risingRates } from './pipeline/phase-plan';
import { ProcessSampler } from './pipeline/process-stats';
import {
  renderMarkdown,
  type Backlog,
  type Drain,
  type MeasuredPhase,
  type PipelineBenchResult,
} from './pipeline/report';
import {
  countUnfinished,
  outboxBacklog,
  readStages,
  type OrderStages,
} from './pipeline/stage-times';

/**
 * The whole-pipeline load benchmark (`npm run bench`): starts every service as `npm start`
 * does, drives checkout over HTTP as storefronts would, first at rising rates until a stage
 * stops keeping up, then, once the pipeline has drained, at a steady half of the highest rate
 * it kept up with; reports orders per second through every stage, latencies, CPU and memory
 * per process, and what is left in consumer lag and outboxes; beside it, the raw bounds of the
 * same broker and database. It prints figures and never asserts a time.
 */
const config = loadConfig(
  z.object({
    DATABASE_URL: envFields.databaseUrl,
    KAFKA_BROKERS: envFields.kafkaBrokers,
    BENCH_RAMP_RATES: z
      .string()
      .default(DEFAULT_RAMP_RATES.join(','))
      .transform((text) => text.split(',').map(Number))
      .pipe(z.array(z.number().positive()).min(1))
      .transform(risingRates),
    /** Unset: half the highest ramp rate every stage kept up with. */
    BENCH_STEADY_RATE: z.coerce.number().positive().optional(),
    BENCH_STEADY_SECONDS: z.coerce.number().positive().default(30),
    BENCH_STEP_SECONDS: z.coerce.number().positive().default(10),
    /** After each step, before its own orders are counted as through or not. */
    BENCH_STEP_SETTLE_SECONDS: z.coerce.number().min(0).default(5),
    BENCH_WARMUP_ORDERS: z.coerce.number().int().min(1).default(300),
    /** The longest wait for the pipeline to empty after the ramp and after the steady phase. */
    BENCH_DRAIN_SECONDS: z.coerce.number().positive().default(120),
    /** A stage keeps up while it moves at least this share of the offered rate. */
    BENCH_SATURATION_SHARE: z.coerce.number().min(0.1).max(1).default(0.9),
    BENCH_CONNECTIONS: z.coerce.number().int().positive().default(256),
    BENCH_PG_CONNECTIONS: z.coerce.number().int().positive().default(8),
    BENCH_PG_SECONDS: z.coerce.number().positive().default(5),
    BENCH_IDLE_SECONDS: z.coerce.number().positive().default(5),
    /** How long after a phase's last order is due its unanswered requests are abandoned. */
    BENCH_ANSWER_GRACE_SECONDS: z.coerce.number().positive().default(10),
    /** `on` exports every span to the local Zipkin, as `npm start` does; off by default. */
    BENCH_TRACES: z.enum(['on', 'off']).default('off'),
  }),
);

const ROOT = findRoot();
const ORDER_PLACED = 'checkout.order.placed.v1';
/** The consumer groups an order passes through, and the topics of its life. */
const ORDER_FLOW_GROUPS = ['checkout', 'payment', 'fulfilment'];
const ORDER_FLOW_TOPICS: ReadonlySet<string> = new Set(
  Object.keys(LUMEN_TOPICS).filter((topic) =>
    /^(checkout\.order|payment\.|fulfilment\.shipment|privacy\.key)/.test(topic),
  ),
);

interface PhaseRun {
  readonly orderIds: string[];
  readonly postLatenciesMs: number[];
  readonly windowStart: number;
  readonly windowEnd: number;
  posted: number;
  failedPosts: number;
}

class LoadGenerator {
  private readonly checkout: KeepAliveClient;
  private readonly gateway: KeepAliveClient;
  private sequence = 0;
  private readonly errors = new Map<string, number>();

  constructor(
    urls: Readonly<Record<string, string>>,
    private readonly apiKey: string,
    private readonly policyVersion: string,
  ) {
    this.checkout = new KeepAliveClient(urls['checkout'] ?? '', config.BENCH_CONNECTIONS);
    this.gateway = new KeepAliveClient(urls['gateway-simulator'] ?? '', 32);
  }

  /** The hosted card form, in bulk and before the timed phase: its cost is not the pipeline's. */
  async cardTokens(count: number): Promise<string[]> {
    const card = { cardNumber: TEST_CARDS.approved, expiry: '12/30', cvc: '123' };
    return mapConcurrently(Array.from({ length: count }), 32, async () => {
      const answer = await this.gateway.postJson('/hosted-form/tokens', card);
      if (answer.status !== 200 && answer.status !== 201) {
        throw new Error(`the hosted card form answered ${answer.status}: ${answer.body}`);
      }
      return (JSON.parse(answer.body) as { token: string }).token;
    });
  }

  async run(ratePerSecond: number, seconds: number): Promise<PhaseRun> {
    const count = Math.max(1, Math.round(ratePerSecond * seconds));
    const tokens = await this.cardTokens(count);
    const bodies = tokens.map((token) => {
      this.sequence += 1;
      return sampleOrder(this.sequence, token, this.policyVersion, 'simulator');
    });
    const orderIds: string[] = [];
    const postLatenciesMs: number[] = [];
    let failedPosts = 0;
    // A saturated checkout would leave thousands of requests queued for sockets, and the phase
    // would last until the last one was answered: whatever is unanswered this long after the
    // last order was due is abandoned and counted as a failed post.
    const abandon = new AbortController();
    const abandonTimer = setTimeout(
      () => {
        abandon.abort(new Error('no answer before the phase ended'));
      },
      (seconds + config.BENCH_ANSWER_GRACE_SECONDS) * 1000,
    );
    const { startedAt, lastIssuedAt } = await openLoop(ratePerSecond, count, async (i) => {
      const sentAt = performance.now();
      try {
        const answer = await this.checkout.postJson(
          '/orders',
          bodies[i],
          { authorization: `Bearer ${this.apiKey}`, 'idempotency-key': randomUUID() },
          { signal: abandon.signal },
        );
        if (answer.status === 202) {
          postLatenciesMs.push(performance.now() - sentAt);
          orderIds.push((JSON.parse(answer.body) as { orderId: string }).orderId);
        } else {
          failedPosts += 1;
          this.countError(`HTTP ${answer.status}: ${answer.body.slice(0, 160)}`);
        }
      } catch (error) {
        failedPosts += 1;
        this.countError(error instanceof Error ? error.message : String(error));
      }
    });
    clearTimeout(abandonTimer);
    // The window is the time orders were offered; one issuing tick is rounding, not load.
    return {
      orderIds,
      postLatenciesMs,
      windowStart: startedAt,
      windowEnd: Math.max(lastIssuedAt, startedAt + seconds * 1000),
      posted: count,
      failedPosts,
    };
  }

  private countError(message: string): void {
    this.errors.set(message, (this.errors.get(message) ?? 0) + 1);
  }

  errorSummary(): Record<string, number> {
    return Object.fromEntries(this.errors);
  }

  close(): void {
    this.checkout.close();
    this.gateway.close();
  }
}

interface Counters {
  readonly commits: number;
  readonly kafkaMessages: number;
}

async function counters(pool: Pool, admin: Admin): Promise<Counters> {
  const { rows } = await pool.query<{ commits: string }>(
    `SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()`,
  );
  return {
    commits: Number(rows[0]?.commits ?? 0),
    kafkaMessages: await messagesWritten(admin, Object.keys(LUMEN_TOPICS)),
  };
}

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

async function backlog(pool: Pool, admin: Admin): Promise<Backlog> {
  return {
    consumerLag: await consumerLag(admin, ORDER_FLOW_GROUPS, ORDER_FLOW_TOPICS),
    outboxBacklog: await outboxBacklog(pool),
  };
}

const total = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

/**
 * Waits until every order in `orderIds` is handed over or failed and the order flow has
 * nothing left in consumer lag or outboxes (an order handed over still has events behind
 * it, the card-token key's destruction among them), or the drain time is up: the next phase
 * then starts on an empty pipeline, not on the previous one's backlog.
 */
async function drain(
  pool: Pool,
  admin: Admin,
  orderIds: readonly string[],
  seconds = config.BENCH_DRAIN_SECONDS,
): Promise<Drain> {
  const started = Date.now();
  const deadline = started + seconds * 1000;
  for (;;) {
    const unfinished = await countUnfinished(pool, orderIds);
    const left = unfinished === 0 ? await backlog(pool, admin) : undefined;
    const empty =
      left !== undefined && total(left.consumerLag) === 0 && total(left.outboxBacklog) === 0;
    if (empty || Date.now() >= deadline) {
      return {
        seconds: (Date.now() - started) / 1000,
        unfinished,
        ...(left ?? (await backlog(pool, admin))),
      };
    }
    await sleep(0.5);
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const loadAtStart = loadavg();
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  console.log(
    `Pipeline benchmark: ${config.BENCH_RAMP_RATES.join(', ')}/s for ${config.BENCH_STEP_SECONDS} s each until saturated, ` +
      `then ${config.BENCH_STEADY_RATE === undefined ? 'half the highest rate kept up' : `${config.BENCH_STEADY_RATE}/s`} ` +
      `for ${config.BENCH_STEADY_SECONDS} s; ` +
      `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; traces ${config.BENCH_TRACES}`,
  );
  const pipeline: Pipeline = await startPipeline(
    config.BENCH_TRACES === 'on' ? {} : { LUMEN_TRACES: 'off', OTEL_TRACES_EXPORTER: 'none' },
  );
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 4 });
  const kafka = new Kafka({
    clientId: 'pipeline-bench',
    brokers: [...config.KAFKA_BROKERS],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const sampler = new ProcessSampler(ROOT);
  let load: LoadGenerator | undefined;
  try {
    await admin.connect();
    const storefront = new StorefrontClient(
      pipeline.urls['checkout'] ?? '',
      pipeline.urls['gateway-simulator'] ?? '',
      StorefrontClient.devKey(ROOT),
    );
    load = new LoadGenerator(
      pipeline.urls,
      StorefrontClient.devKey(ROOT),
      await storefront.policyVersion(),
    );
    const generator = load;
    const stages = new Map<string, OrderStages>();
    const refresh = async (orderIds: readonly string[]): Promise<OrderStages[]> => {
      const read = await readStages(pool, orderIds);
      for (const [id, order] of read) stages.set(id, order);
      return orderIds.map((id) => stages.get(id)).filter((o): o is OrderStages => o !== undefined);
    };

    // Warm-up: consumers join their groups, pools and key caches fill, the JIT settles.
    const warm = await generator.run(
      Math.min(100, config.BENCH_WARMUP_ORDERS),
      config.BENCH_WARMUP_ORDERS / Math.min(100, config.BENCH_WARMUP_ORDERS),
    );
    // Consumers may still be joining their groups: the warm-up waits for them, up to two minutes.
    const warmDrain = await drain(
      pool,
      admin,
      warm.orderIds,
      Math.max(120, config.BENCH_DRAIN_SECONDS),
    );
    console.log(
      `warm-up: ${warm.orderIds.length} orders, drained in ${warmDrain.seconds.toFixed(1)} s (${warmDrain.unfinished} unfinished)`,
    );

    // Raw bounds, measured now while the services idle: same broker, same database, messages
    // of the size of the order-placed event, as many as the ramp's highest step would place.
    const { rows: sizeRows } = await pool.query<{ bytes: string | null }>(
      `SELECT avg(octet_length(value))::int AS bytes FROM checkout.outbox WHERE topic = $1`,
      [ORDER_PLACED],
    );
    const messageBytes = Number(sizeRows[0]?.bytes ?? 1_000) || 1_000;
    const kafkaMessages = Math.round(
      Math.max(...config.BENCH_RAMP_RATES) * config.BENCH_STEP_SECONDS,
    );
    const rawKafka: KafkaBaseline = await kafkaBaseline(
      config.KAFKA_BROKERS,
      kafkaMessages,
      messageBytes,
    );
    console.log(
      `raw kafkajs: ${rawKafka.perSecond.toFixed(0)} messages/s (${kafkaMessages} × ${messageBytes} B)`,
    );
    const rawPostgres: PostgresBaseline = await postgresBaseline(
      config.DATABASE_URL,
      config.BENCH_PG_CONNECTIONS,
      config.BENCH_PG_SECONDS,
    );
    console.log(`raw PostgreSQL: ${rawPostgres.commitsPerSecond.toFixed(0)} single-row commits/s`);

    // What the services cost doing nothing (pollers, relays, heartbeats): subtracted from each
    // phase's CPU to give the cost of an order itself.
    const idleBefore = await counters(pool, admin);
    sampler.start();
    await sleep(config.BENCH_IDLE_SECONDS);
    const idle = {
      seconds: config.BENCH_IDLE_SECONDS,
      processes: sampler.stop(),
      boxCpuPercent: sampler.boxCpuPercent(),
      transactionsPerSecond:
        ((await counters(pool, admin)).commits - idleBefore.commits) / config.BENCH_IDLE_SECONDS,
    };
    console.log(
      `idle: box ${idle.boxCpuPercent.toFixed(0)}% CPU, ${idle.transactionsPerSecond.toFixed(0)} transactions/s`,
    );

    /** Offers `rate` orders/s for `seconds`, sampling CPU and counters over the offer only. */
    const offer = async (rate: number, seconds: number) => {
      const before = await counters(pool, admin);
      sampler.start();
      const run = await generator.run(rate, seconds);
      const processes = sampler.stop();
      const boxCpuPercent = sampler.boxCpuPercent();
      const after = await counters(pool, admin);
      return { rate, run, processes, boxCpuPercent, before, after };
    };
    /** The figures of an offer, from the stage times recorded by the time it is called. */
    const judge = async (
      name: string,
      { rate, run, processes, boxCpuPercent, before, after }: Awaited<ReturnType<typeof offer>>,
    ): Promise<MeasuredPhase> => {
      // Stage times of earlier phases' stragglers count in this window too.
      await refresh([...stages.keys()].filter((id) => stages.get(id)?.handedOverAt === undefined));
      const orders = await refresh(run.orderIds);
      const accepted = Math.max(1, run.orderIds.length);
      const phase: MeasuredPhase = {
        figures: phaseFigures({
          name,
          offeredPerSecond: rate,
          windowStart: run.windowStart,
          windowEnd: run.windowEnd,
          posted: run.posted,
          refusedOrFailedPosts: run.failedPosts,
          postLatenciesMs: run.postLatenciesMs,
          orders,
          allOrders: stages.values(),
          saturationShare: config.BENCH_SATURATION_SHARE,
        }),
        processes,
        boxCpuPercent,
        commitsPerOrder: (after.commits - before.commits) / accepted,
        kafkaMessagesPerOrder: (after.kafkaMessages - before.kafkaMessages) / accepted,
      };
      printPhase(phase);
      return phase;
    };

    // Ramp first, from a rate this box carries, so the steady phase can be placed below the
    // rate it sustains. Each step is judged on its own orders after a short settle (a step's
    // last orders need a moment to reach the carrier even when nothing lags), not a full
    // drain: a step that leaves a backlog is the one that did not keep up, and ends the ramp.
    const ramp: MeasuredPhase[] = [];
    for (const rate of config.BENCH_RAMP_RATES) {
      const offered = await offer(rate, config.BENCH_STEP_SECONDS);
      await sleep(config.BENCH_STEP_SETTLE_SECONDS);
      const step = await judge(`ramp ${rate}/s`, offered);
      ramp.push(step);
      if (step.figures.saturated) break;
    }
    const atRampEnd = await backlog(pool, admin);
    console.log(
      `at the end of the ramp: lag ${JSON.stringify(atRampEnd.consumerLag)}, outbox ${JSON.stringify(atRampEnd.outboxBacklog)}`,
    );
    // What the saturated step left behind would otherwise be served during the steady phase
    // and count as its latency.
    const drainAfterRamp = await drain(pool, admin, [...stages.keys()]);
    const inFlightAtSteadyStart = drainAfterRamp.unfinished;
    console.log(
      `drained after the ramp in ${drainAfterRamp.seconds.toFixed(1)} s (${drainAfterRamp.unfinished} unfinished)`,
    );

    // The target states its p99 at half the sustained rate: the steady phase runs there, and
    // is waited for until every one of its orders is through, so its percentiles count the
    // slowest orders too.
    const steadyPlan = planSteadyPhase({
      ramp: ramp.map((step) => step.figures),
      explicitRate: config.BENCH_STEADY_RATE,
    });
    console.log(`steady phase at ${steadyPlan.rate}/s (${steadyPlan.basis})`);
    const steadyOffer = await offer(steadyPlan.rate, config.BENCH_STEADY_SECONDS);
    const atEnd = await drain(pool, admin, [...stages.keys(), ...steadyOffer.run.orderIds]);
    const steady = await judge(`steady ${steadyPlan.rate}/s`, steadyOffer);
    console.log(
      `at the end: ${atEnd.unfinished} unfinished after ${atEnd.seconds.toFixed(1)} s of drain, ` +
        `lag ${JSON.stringify(atEnd.consumerLag)}, outbox ${JSON.stringify(atEnd.outboxBacklog)}`,
    );

    const result: PipelineBenchResult & { config: typeof config } = {
      at: started.toISOString(),
      command: 'npm run bench',
      machine: {
        cores: cpus().length,
        model: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
      },
      config,
      baselines: { kafka: rawKafka, postgres: rawPostgres },
      idle,
      loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
      ramp,
      atRampEnd,
      drainAfterRamp,
      steadyPlan,
      steady,
      inFlightAtSteadyStart,
      atEnd,
      errors: generator.errorSummary(),
    };
    const markdown = renderMarkdown(result);
    console.log(`\n${markdown}`);
    const dir = join(ROOT, 'bench-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `pipeline-${stamp}.json`), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(join(dir, `pipeline-${stamp}.md`), markdown);
    console.log(`Written to bench-results/pipeline-${stamp}.json and .md`);
  } finally {
    load?.close();
    await admin.disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await pipeline.stop();
  }
}

function printPhase(phase: MeasuredPhase): void {
  const f = phase.figures;
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '-');
  console.log(
    `${f.name}: accepted ${f.perSecond.accepted.toFixed(0)}/s, paid ${f.perSecond.paid.toFixed(0)}/s, ` +
      `handed over ${f.perSecond.handedOver.toFixed(0)}/s; accept→hand-off p50 ${ms(f.acceptToHandOverMs.p50)} ` +
      `p99 ${ms(f.acceptToHandOverMs.p99)} ms (${f.handedOver}/${f.posted}); POST p99 ${ms(f.postOrderMs.p99)} ms; ` +
      `${f.refusedOrFailedPosts} failed posts; ${phase.commitsPerOrder.toFixed(1)} commits and ` +
      `${phase.kafkaMessagesPerOrder.toFixed(1)} Kafka messages per order${f.saturated ? '; SATURATED' : ''}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
