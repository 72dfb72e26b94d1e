import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pipeline } from '../pipeline/start-pipeline';
import { StorefrontClient } from '../pipeline/storefront-client';
import { deadLetterBaseline, gatherEvidence, settle, type EvidenceSources } from './chaos-evidence';
import { planFaults, seededRandom, type PlannedFault } from './fault-plan';
import {
  killService,
  restartBroker,
  restartPostgres,
  SimulatorSwitches,
  type Injection,
} from './faults';
import { judgeInvariants, type InvariantResult } from './invariants';
import { OrderLoad, type LoadStats } from './order-load';

/**
 * One crash-test run against a started pipeline: orders under load while the plan's faults
 * are injected, then a settle phase, then the invariants. Shared by `npm run chaos` (long,
 * with PostgreSQL restarts) and the e2e chaos spec (short).
 */
export interface ChaosOptions {
  readonly root: string;
  readonly durationMs: number;
  readonly ratePerSecond: number;
  readonly declineShare: number;
  readonly brokerRestarts: number;
  readonly postgresRestarts: number;
  /** The services to SIGKILL (the simulators are the outside world, and their memory is the evidence). */
  readonly services: readonly string[];
  readonly settleTimeoutMs: number;
  readonly seed: number;
  readonly databaseUrl: string;
  readonly brokers: readonly string[];
  readonly log?: (line: string) => void;
}

export interface ChaosReport {
  readonly seed: number;
  readonly durationMs: number;
  readonly settleMs: number;
  readonly load: LoadStats;
  readonly injections: readonly Injection[];
  /** Lines where the supervisor restarted a service, per service. */
  readonly supervisorRestarts: Readonly<Record<string, number>>;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly invariants: readonly InvariantResult[];
  readonly held: boolean;
}

/** The Lumen services (apps that are not simulators of the outside world). */
export function lumenServices(apps: readonly string[]): string[] {
  return apps.filter((app) => !app.endsWith('-simulator'));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChaos(pipeline: Pipeline, options: ChaosOptions): Promise<ChaosReport> {
  const log =
    options.log ??
    ((line: string) => {
      console.log(line);
    });
  const gatewayUrl = pipeline.urls['gateway-simulator'] ?? '';
  const carrierUrl = pipeline.urls['carrier-simulator'] ?? '';
  const storefront = new StorefrontClient(
    pipeline.urls.checkout ?? '',
    gatewayUrl,
    StorefrontClient.devKey(options.root),
  );
  const operatorToken = SimulatorSwitches.operatorToken(options.root);
  const carrierControl = StorefrontClient.carrierControlHeaders(options.root);
  const switches = new SimulatorSwitches(gatewayUrl, carrierUrl, operatorToken, carrierControl);
  const sources: EvidenceSources = {
    storefront,
    gatewayUrl,
    gatewayOperatorToken: operatorToken,
    carrierUrl,
    carrierControl,
    databaseUrl: options.databaseUrl,
    brokers: options.brokers,
    pipelineConsumers: lumenServices(Object.keys(pipeline.urls)),
  };

  // A carrier that delivers within a second, so orders finish inside the run; callbacks and
  // notifications each arrive twice, as real ones sometimes do.
  await switches.carrier({
    dispatchDelayMs: 300,
    deliveryDelayMs: 300,
    duplicateCallbacks: 'resend',
  });
  await switches.gateway({ duplicateNotifications: true });
  const deadLettersFrom = await deadLetterBaseline(options.brokers);
  const policyVersion = await storefront.policyVersion();

  const plan = planFaults({
    durationMs: options.durationMs,
    services: options.services,
    brokerRestarts: options.brokerRestarts,
    postgresRestarts: options.postgresRestarts,
    random: seededRandom(options.seed),
  });
  log(
    `chaos: seed ${String(options.seed)}, ${String(options.durationMs / 1000)}s of load at ` +
      `${String(options.ratePerSecond)} orders/s, ${String(plan.length)} faults planned`,
  );

  const load = new OrderLoad(storefront, policyVersion, {
    ratePerSecond: options.ratePerSecond,
    declineShare: options.declineShare,
    retryForMs: 90_000,
  });
  const startedAt = Date.now();
  const injections: Injection[] = [];
  load.start();
  const running = plan.map(async (fault) => {
    await sleep(fault.atMs - (Date.now() - startedAt));
    const atMs = Date.now() - startedAt;
    try {
      const done = await inject(fault, pipeline, switches, options);
      injections.push({ atMs, ...done });
      log(
        `chaos: +${(atMs / 1000).toFixed(1)}s ${done.kind} ${done.target}: ${done.detail}` +
          recoveryText(done),
      );
    } catch (error) {
      const detail = `FAILED: ${error instanceof Error ? error.message : String(error)}`;
      injections.push({ atMs, kind: fault.kind, target: fault.target, detail });
      log(`chaos: +${(atMs / 1000).toFixed(1)}s ${fault.kind} ${fault.target} ${detail}`);
    }
  });
  await sleep(options.durationMs);
  await Promise.all(running);
  await load.stop();
  // Whatever a switch still holds is lifted: the settle phase meets a healthy outside world.
  await switches.gateway({ answerDelayMs: 0, serverErrors: 0 });
  await switches.carrier({ refuse: null, failNext: 0, hangNext: 0 });
  log(
    `chaos: load stopped after ${((Date.now() - startedAt) / 1000).toFixed(0)}s: ` +
      `${String(load.stats.accepted)} orders accepted; settling`,
  );

  let lastProgress = 0;
  const settleMs = await settle(sources, load.accepted, options.settleTimeoutMs, (open, left) => {
    if (Date.now() - lastProgress < 10_000) return;
    lastProgress = Date.now();
    log(
      `chaos: settling: ${String(open)} orders not final, ${String(left)} outbox rows unpublished`,
    );
  });
  const evidence = await gatherEvidence(sources, load.accepted, deadLettersFrom);
  const invariants = judgeInvariants(evidence);
  const outcomes: Record<string, number> = {};
  for (const order of evidence.orders) {
    const status = order.status?.status ?? 'unknown';
    outcomes[status] = (outcomes[status] ?? 0) + 1;
  }
  return {
    seed: options.seed,
    durationMs: options.durationMs,
    settleMs,
    load: load.stats,
    injections: injections.sort((a, b) => a.atMs - b.atMs),
    supervisorRestarts: restartsIn(pipeline.output()),
    outcomes,
    invariants,
    held: invariants.every((i) => i.held),
  };
}

async function inject(
  fault: PlannedFault,
  pipeline: Pipeline,
  switches: SimulatorSwitches,
  options: ChaosOptions,
): Promise<Omit<Injection, 'atMs'>> {
  switch (fault.kind) {
    case 'sigkill':
      return killService(pipeline, fault.target);
    case 'broker-restart':
      return restartBroker(options.root);
    case 'postgres-restart':
      return restartPostgres(options.databaseUrl);
    case 'gateway-timeouts': {
      // Longer than payment's gateway timeout: the operation is applied, the answer is lost.
      await switches.gateway({ answerDelayMs: 6_000 });
      await sleep(fault.windowMs ?? 0);
      await switches.gateway({ answerDelayMs: 0 });
      return {
        kind: fault.kind,
        target: 'gateway',
        detail: `every answer held 6s (after applying) for ${String((fault.windowMs ?? 0) / 1000)}s`,
      };
    }
    case 'gateway-errors':
      await switches.gateway({ serverErrors: fault.count ?? 0 });
      return {
        kind: fault.kind,
        target: 'gateway',
        detail: `next ${String(fault.count)} requests 503`,
      };
    case 'carrier-errors':
      await switches.carrier({ failNext: fault.count ?? 0 });
      return {
        kind: fault.kind,
        target: 'carrier',
        detail: `next ${String(fault.count)} requests 503`,
      };
    case 'carrier-hangs':
      await switches.carrier({ hangNext: fault.count ?? 0, hangAfterAccepting: true });
      return {
        kind: fault.kind,
        target: 'carrier',
        detail: `next ${String(fault.count)} requests accepted, answer never sent`,
      };
    case 'carrier-refusals': {
      // A window of time alone often refuses nothing (fulfilment may be down, or between
      // handovers): refuse until a few shipments were refused, within the window at most.
      const before = await switches.carrierRefusals();
      await switches.carrier({
        refuse: { code: 'unserviceable-address', reason: 'Chaos: no deliveries there today' },
      });
      const until = Date.now() + (fault.windowMs ?? 0);
      let refused = 0;
      while (Date.now() < until && refused < (fault.count ?? 1)) {
        await sleep(250);
        refused = (await switches.carrierRefusals()) - before;
      }
      await switches.carrier({ refuse: null });
      return {
        kind: fault.kind,
        target: 'carrier',
        detail: `new shipments refused for good until ${String(refused)} were (${String(fault.count)} wanted, ${String((fault.windowMs ?? 0) / 1000)}s at most)`,
      };
    }
  }
}

/** ", back in 4.2s (ready in 11.0s)": HTTP answering again, then the service ready again. */
function recoveryText({ recoveryMs, readyMs }: Pick<Injection, 'recoveryMs' | 'readyMs'>): string {
  if (recoveryMs === undefined) return '';
  const ready = readyMs === undefined ? '' : ` (ready in ${(readyMs / 1000).toFixed(1)}s)`;
  return `, back in ${(recoveryMs / 1000).toFixed(1)}s${ready}`;
}

/** Counts the supervisor's "<app> died (...); restarting" lines in the pipeline's output. */
function restartsIn(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of output.matchAll(/^lumen: (\S+) died \(([^)]+)\); restarting/gm)) {
    const app = match[1] ?? '';
    counts[app] = (counts[app] ?? 0) + 1;
  }
  return counts;
}

export function printChaosReport(report: ChaosReport, root: string): string {
  const lines: string[] = [];
  const seconds = (ms: number | undefined) =>
    ms === undefined ? '' : `${(ms / 1000).toFixed(1)}s`;
  lines.push(
    `Crash test (seed ${String(report.seed)}): ${String(report.durationMs / 1000)}s of load`,
  );
  const l = report.load;
  lines.push(
    `Load: ${String(l.posted)} orders posted, ${String(l.accepted)} accepted (202) ` +
      `(${String(l.declinedCards)} with a declined card), ${String(l.retries)} retries under the same key, ` +
      `${String(l.gaveUp)} given up unanswered, ${String(l.refused)} refused`,
  );
  lines.push('Injected:');
  const byKind = new Map<string, Injection[]>();
  for (const injection of report.injections)
    byKind.set(injection.kind, [...(byKind.get(injection.kind) ?? []), injection]);
  for (const [kind, list] of byKind) {
    const slowest = (pick: (i: Injection) => number | undefined) => {
      const figures = list.flatMap((i) => pick(i) ?? []);
      return figures.length > 0 ? seconds(Math.max(...figures)) : undefined;
    };
    const recovery = slowest((i) => i.recoveryMs);
    const ready = slowest((i) => i.readyMs);
    const worst =
      (recovery === undefined ? '' : `, slowest recovery ${recovery}`) +
      (ready === undefined ? '' : `, slowest ready ${ready}`);
    const failed = list.filter((i) => i.detail.startsWith('FAILED') || i.skipped).length;
    const targets = [...new Set(list.map((i) => i.target))].join(', ');
    lines.push(
      `  ${kind.padEnd(18)} ${String(list.length)}x (${targets})${worst}` +
        (failed > 0 ? ` — ${String(failed)} skipped or failed` : ''),
    );
  }
  for (const injection of report.injections)
    lines.push(
      `    +${seconds(injection.atMs).padStart(6)} ${injection.kind} ${injection.target}: ${injection.detail}` +
        recoveryText(injection),
    );
  lines.push(
    `Supervisor restarts: ${
      Object.entries(report.supervisorRestarts)
        .map(([app, n]) => `${app} ${String(n)}`)
        .join(', ') || 'none'
    }`,
  );
  lines.push(
    `Outcomes after ${seconds(report.settleMs)} of settling: ${Object.entries(report.outcomes)
      .map(([status, n]) => `${status} ${String(n)}`)
      .join(', ')}`,
  );
  lines.push('Invariants:');
  for (const invariant of report.invariants) {
    lines.push(
      `  ${invariant.held ? 'HELD  ' : 'BROKEN'} ${invariant.name} (${invariant.checked})`,
    );
    for (const violation of invariant.violations) lines.push(`         ${violation}`);
  }
  lines.push(report.held ? 'chaos: every invariant held' : 'chaos: INVARIANTS BROKEN');
  console.log(lines.join('\n'));
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  const file = join(root, 'bench-results', 'chaos.json');
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}
