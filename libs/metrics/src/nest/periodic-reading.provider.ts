import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { startPeriodicReading } from '../registry/periodic-reading';

/**
 * A provider that keeps gauges at figures the service reads from its own database, from
 * bootstrap to shutdown, through `startPeriodicReading` (every 5 s, one reading at a time,
 * tracing suppressed). A failed reading is logged at debug level and tried again next tick; the
 * gauges keep the last good one. Subclasses are `@Injectable()` and say only what they read.
 */
export abstract class PeriodicReadingProvider
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(this.constructor.name);
  private stop: (() => Promise<void>) | undefined;

  /** @param figures what `read` reads, for the log line: `<figures> not read: <error>`. */
  protected constructor(private readonly figures: string) {}

  /** Reads the figures once and sets the gauges. */
  abstract read(): Promise<void>;

  onApplicationBootstrap(): void {
    this.stop = startPeriodicReading({
      read: () => this.read(),
      onError: (error) => {
        this.logger.debug(`${this.figures} not read: ${String(error)}`);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop?.();
  }
}
