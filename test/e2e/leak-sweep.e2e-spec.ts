import { findRoot, startPipeline, type Pipeline } from '../../scripts/pipeline/start-pipeline';
import { printSweepReport, runLeakSweep } from '../../scripts/sweep/leak-sweep';

/**
 * The leak sweep in CI: planted personal values may appear only where deploy/data-map.json
 * allows them (the delivery address at the carrier, the card token at the gateway), and the
 * carrier receives exactly the allow-listed fields.
 */
describe('leak sweep', () => {
  let pipeline: Pipeline;
  beforeAll(async () => (pipeline = await startPipeline({ LUMEN_DRIVER: 'off' })));
  afterAll(() => pipeline.stop());

  it('finds no personal or card data outside the data map', async () => {
    const root = findRoot();
    const report = await runLeakSweep(pipeline, {
      root,
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen',
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    });
    printSweepReport(report, root);
    expect(report.ordersFinal).toBe(3);
    expect(report.violations).toEqual([]);
  });
});
