import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PAYMENT_CONFIG, type PaymentConfig } from '../../config/payment.config';
import { SweepCardTokens } from '../application/sweep-card-tokens.use-case';

/** Runs the card-token backstop on an interval, one sweep at a time. */
@Injectable()
export class CardTokenSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CardTokenSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig,
    private readonly sweep: SweepCardTokens,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep
        .execute()
        .then((destroyed) => {
          if (destroyed > 0) this.logger.log(`backstop destroyed ${destroyed} card token key(s)`);
        })
        .catch((error: unknown) => {
          this.logger.warn(
            `card token sweep failed: ${error instanceof Error ? error.message : 'error'}`,
          );
        })
        .finally(() => (this.running = undefined));
    }, this.config.cardTokenSweepMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
