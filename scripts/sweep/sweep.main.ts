import { z } from 'zod';
import { envFields, loadConfig } from '#lumen/config';
import { findRoot, startPipeline } from '../pipeline/start-pipeline';
import { printSweepReport, runLeakSweep } from './leak-sweep';

/** `npm run sweep`: start the pipeline, run the leak sweep, print the report, fail on a leak. */
const config = loadConfig(
  z.object({
    KAFKA_BROKERS: envFields.kafkaBrokers,
    DATABASE_URL: envFields.databaseUrl,
    REDIS_URL: envFields.redisUrl,
    SWEEP_ORDERS: z.coerce.number().int().min(1).max(100).default(3),
  }),
);

async function main(): Promise<void> {
  const root = findRoot();
  const pipeline = await startPipeline({ LUMEN_DRIVER: 'off' });
  try {
    const report = await runLeakSweep(pipeline, {
      root,
      brokers: config.KAFKA_BROKERS,
      databaseUrl: config.DATABASE_URL,
      redisUrl: config.REDIS_URL,
      orders: config.SWEEP_ORDERS,
    });
    printSweepReport(report, root);
    if (report.violations.length > 0) process.exitCode = 1;
  } finally {
    await pipeline.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
