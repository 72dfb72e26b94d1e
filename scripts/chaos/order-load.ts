import { randomUUID } from 'node:crypto';
import { sampleOrder } from '../driver/sample-orders';
import type { StorefrontClient } from '../pipeline/storefront-client';
import type { PostedOrder } from './chaos-evidence';

/**
 * The load under the crash tests: a steady stream of orders, as a careful storefront posts
 * them. When checkout does not answer (it may just have been killed) or answers 5xx, the
 * storefront retries the same request under the same idempotency key until it gets an answer,
 * so an order that committed before its answer was lost comes back as the same 202.
 */
export interface LoadOptions {
  readonly ratePerSecond: number;
  readonly declineShare: number;
  /** How long one order is retried before the storefront gives up on it. */
  readonly retryForMs: number;
}

export interface LoadStats {
  posted: number;
  accepted: number;
  declinedCards: number;
  /** Requests repeated under the same key after no answer or a 5xx. */
  retries: number;
  /** Orders given up after retryForMs without an answer (never accepted: not tracked). */
  gaveUp: number;
  /** 4xx answers: a correct order refused (should stay 0). */
  refused: number;
  refusals: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class OrderLoad {
  readonly accepted: PostedOrder[] = [];
  readonly stats: LoadStats = {
    posted: 0,
    accepted: 0,
    declinedCards: 0,
    retries: 0,
    gaveUp: 0,
    refused: 0,
    refusals: [],
  };
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private sequence = 0;

  constructor(
    private readonly storefront: StorefrontClient,
    private readonly policyVersion: string,
    private readonly options: LoadOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sequence += 1;
      const one = this.placeOne(this.sequence).finally(() => this.inFlight.delete(one));
      this.inFlight.add(one);
    }, 1_000 / this.options.ratePerSecond);
  }

  /** Stops posting new orders and waits for the ones still being retried. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
  }

  private async placeOne(sequence: number): Promise<void> {
    const card = Math.random() < this.options.declineShare ? 'declined' : 'approved';
    const giveUpAt = Date.now() + this.options.retryForMs;
    this.stats.posted += 1;
    const token = await this.untilAnswered(giveUpAt, () => this.storefront.cardToken(card));
    if (token === undefined) return;
    const order = sampleOrder(sequence, token, this.policyVersion, 'simulator');
    const idempotencyKey = randomUUID();
    let first = true;
    const posted = await this.untilAnswered(giveUpAt, async () => {
      if (!first) this.stats.retries += 1;
      first = false;
      const answer = await this.storefront.placeOrder(order, idempotencyKey);
      if (answer.status >= 500) throw new Error(`checkout answered ${String(answer.status)}`);
      return answer;
    });
    if (!posted) return;
    if (posted.status === 202 && posted.orderId) {
      this.stats.accepted += 1;
      if (card === 'declined') this.stats.declinedCards += 1;
      this.accepted.push({ orderId: posted.orderId, idempotencyKey, card });
    } else {
      this.stats.refused += 1;
      if (this.stats.refusals.length < 10)
        this.stats.refusals.push(`${String(posted.status)} ${JSON.stringify(posted.body)}`);
    }
  }

  private async untilAnswered<T>(
    giveUpAt: number,
    attempt: () => Promise<T>,
  ): Promise<T | undefined> {
    for (;;) {
      try {
        return await attempt();
      } catch {
        if (Date.now() > giveUpAt) {
          this.stats.gaveUp += 1;
          return undefined;
        }
        await sleep(500);
      }
    }
  }
}
