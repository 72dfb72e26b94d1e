import { PeriodicReadingProvider } from '../nest/periodic-reading.provider';
import { defineGauge, metricsRegistry } from './metrics.registry';
import { setStatusCounts } from './periodic-reading';

describe('status counts', () => {
  it('sets every known status, 0 where no row counts it, and drops a status that emptied to 0', async () => {
    const gauge = defineGauge({
      name: 'lumen_spec_things_by_status',
      help: 'things',
      labelNames: ['status'],
    });
    setStatusCounts(
      gauge,
      ['new', 'done', 'lost'],
      [
        { status: 'new', count: 3 },
        { status: 'done', count: 1 },
      ],
    );
    setStatusCounts(gauge, ['new', 'done', 'lost'], [{ status: 'done', count: 2 }]);
    const page = await metricsRegistry.metrics();
    expect(page).toContain('lumen_spec_things_by_status{status="new"} 0');
    expect(page).toContain('lumen_spec_things_by_status{status="done"} 2');
    expect(page).toContain('lumen_spec_things_by_status{status="lost"} 0');
  });
});

class CountingReading extends PeriodicReadingProvider {
  readings = 0;
  release: (() => void) | undefined;

  constructor() {
    super('spec figures');
  }

  override async read(): Promise<void> {
    this.readings += 1;
    await new Promise<void>((resolve) => (this.release = resolve));
  }
}

describe('a periodic reading provider', () => {
  it('reads at bootstrap, and shutdown waits for the reading in flight', async () => {
    const reading = new CountingReading();
    reading.onApplicationBootstrap();
    expect(reading.readings).toBe(1);
    let stopped = false;
    const stopping = reading.onApplicationShutdown().then(() => (stopped = true));
    // Every pending promise callback runs before the next macrotask.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    reading.release?.();
    await stopping;
    expect(stopped).toBe(true);
  });
});
