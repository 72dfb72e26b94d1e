import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { envFields, loadConfig } from '#lumen/config';
import { appsWithMain, findRoot, startPipeline } from '../pipeline/start-pipeline';
import { lumenServices, printChaosReport, runChaos } from './chaos-run';

/**
 * `npm run chaos`: start the pipeline as `npm start` does, put it under load, crash and
 * disturb everything (docs/runbooks/chaos.md), then check the invariants. Prints what was
 * injected and what held, writes bench-results/chaos.json, exits 1 when an invariant broke.
 * It restarts the shared broker and PostgreSQL: run it under `flock /tmp/lumen-pipeline.lock`.
 */
const config = loadConfig(
  z.object({
    KAFKA_BROKERS: envFields.kafkaBrokers,
    DATABASE_URL: envFields.databaseUrl,
    CHAOS_DURATION_S: z.coerce.number().int().min(20).max(3_600).default(180),
    CHAOS_RATE: z.coerce.number().positive().max(50).default(4),
    CHAOS_DECLINE_SHARE: z.coerce.number().min(0).max(1).default(0.1),
    CHAOS_BROKER_RESTARTS: z.coerce.number().int().min(0).max(10).default(2),
    CHAOS_POSTGRES_RESTARTS: z.coerce.number().int().min(0).max(10).default(1),
    CHAOS_SETTLE_TIMEOUT_S: z.coerce.number().int().min(10).max(3_600).default(180),
    CHAOS_SEED: z.coerce.number().int().min(0).optional(),
  }),
);

async function main(): Promise<void> {
  const root = findRoot();
  const pipeline = await startPipeline({ LUMEN_DRIVER: 'off' });
  try {
    const report = await runChaos(pipeline, {
      root,
      durationMs: config.CHAOS_DURATION_S * 1_000,
      ratePerSecond: config.CHAOS_RATE,
      declineShare: config.CHAOS_DECLINE_SHARE,
      brokerRestarts: config.CHAOS_BROKER_RESTARTS,
      postgresRestarts: config.CHAOS_POSTGRES_RESTARTS,
      services: lumenServices(appsWithMain()),
      settleTimeoutMs: config.CHAOS_SETTLE_TIMEOUT_S * 1_000,
      seed: config.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31),
      databaseUrl: config.DATABASE_URL,
      brokers: config.KAFKA_BROKERS,
    });
    const file = printChaosReport(report, root);
    const log = join(root, 'bench-results', 'chaos-pipeline.log');
    writeFileSync(log, pipeline.output());
    console.log(`report: ${file}; the services' output: ${log}`);
    if (!report.held) process.exitCode = 1;
  } finally {
    await pipeline.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
