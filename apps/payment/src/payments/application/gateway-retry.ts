import { Inject, Injectable, Logger } from '@nestjs/common';
import { backoffDelay, sleep } from '#lumen/messaging';
import { PAYMENT_CONFIG, type PaymentConfig } from '../../config/payment.config';
import { GatewayFailure } from './payment-gateway.port';

export type GatewayAttempt<T> = { ok: true; value: T } | { ok: false; failure: GatewayFailure };

/**
 * Repeats a gateway call with backoff while retrying is safe (the same idempotency key) and
 * may help (timeouts, 5xx, answers that do not verify), within one time budget per payment
 * operation so a slow gateway never costs the consumer its partition.
 */
@Injectable()
export class GatewayRetry {
  private readonly logger = new Logger(GatewayRetry.name);

  constructor(@Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig) {}

  /** The deadline of an operation's gateway calls started now (`GATEWAY_BUDGET_MS`). */
  deadline(): number {
    return Date.now() + this.config.gatewayBudgetMs;
  }

  async attempt<T>(
    what: string,
    deadline: number,
    call: () => Promise<T>,
  ): Promise<GatewayAttempt<T>> {
    const policy = { initialDelayMs: this.config.gatewayRetryDelayMs, maxDelayMs: 5_000 };
    for (let attempt = 1; ; attempt += 1) {
      try {
        return { ok: true, value: await call() };
      } catch (error) {
        if (!(error instanceof GatewayFailure)) throw error;
        const delay = backoffDelay(policy, attempt);
        const outOfTime = Date.now() + delay + this.config.gatewayTimeoutMs > deadline;
        if (!error.retryable || attempt >= this.config.gatewayMaxAttempts || outOfTime) {
          this.logger.warn(
            `gateway ${what} failed for good after ${attempt} attempts: ${error.message}`,
          );
          return { ok: false, failure: error };
        }
        this.logger.warn(`gateway ${what} failed (attempt ${attempt}): ${error.message}; retrying`);
        await sleep(delay);
      }
    }
  }
}
