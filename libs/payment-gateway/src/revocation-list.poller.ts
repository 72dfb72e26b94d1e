import { RevocationListHolder, type RevocationUpdate } from './revocation-status';
import type { PinnedRoot } from './gateway-root';

export interface RevocationListPollerOptions {
  /** The gateway's revocation list, e.g. `http://127.0.0.1:3101/revocation-list`. */
  readonly url: string;
  readonly root: PinnedRoot;
  /** How often to fetch; at most 30 s, so a revocation reaches every verifier within a minute. */
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** Told about every failed fetch or refused list; the verifier fails closed on its own. */
  readonly onProblem?: (problem: string) => void;
}

export const MAX_POLL_INTERVAL_MS = 30_000;

/**
 * Fetches the gateway's signed revocation list on a fixed interval into a holder the
 * verifiers read. A failed fetch keeps the old list; the verifier's staleness limit turns a
 * long outage into refusals, never into trusting an old list forever.
 */
export class RevocationListPoller {
  readonly holder: RevocationListHolder;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<RevocationUpdate | undefined> | undefined;

  constructor(private readonly options: RevocationListPollerOptions) {
    this.intervalMs = options.intervalMs ?? 10_000;
    if (this.intervalMs <= 0 || this.intervalMs > MAX_POLL_INTERVAL_MS) {
      throw new Error(`Revocation poll interval must be 1..${MAX_POLL_INTERVAL_MS} ms`);
    }
    this.holder = new RevocationListHolder(options.root);
  }

  /** Fetches once now (awaited), then keeps polling in the background. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer ??= setInterval(() => void this.refresh(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One fetch; concurrent callers share it. Undefined when the fetch itself failed. */
  refresh(): Promise<RevocationUpdate | undefined> {
    this.inflight ??= this.fetchOnce().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetchOnce(): Promise<RevocationUpdate | undefined> {
    const problem = (text: string) => this.options.onProblem?.(text);
    try {
      const response = await (this.options.fetch ?? fetch)(this.options.url, {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
      if (!response.ok) {
        problem(`revocation list fetch answered ${response.status}`);
        return undefined;
      }
      const update = this.holder.update(await response.json());
      if (!update.accepted) problem(`revocation list refused: ${update.reason}`);
      return update;
    } catch (error) {
      problem(`revocation list fetch failed: ${error instanceof Error ? error.message : 'error'}`);
      return undefined;
    }
  }
}
