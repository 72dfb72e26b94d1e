/**
 * Message ids a verifier has accepted, so a captured message cannot be played again. An id
 * must be remembered for longer than a message can pass the timestamp check (the skew window
 * on either side), so an entry lives `ttlMs` > 2 × max skew.
 */
export type ReplayCacheAnswer = 'recorded' | 'replayed' | 'full';

export abstract class ReplayCache {
  /** Records the id: `replayed` if it was already there, `full` if it cannot be recorded. */
  abstract remember(id: string, nowMs: number): ReplayCacheAnswer;
}

export interface InMemoryReplayCacheOptions {
  readonly ttlMs: number;
  readonly maxEntries?: number;
}

/**
 * One process's replay cache. Bounded: when it is full of live entries it refuses new
 * messages rather than forget an id early, which would reopen the replay window (fail
 * closed; size it for the peak message rate × ttl). Several replicas behind one address
 * need a shared cache (Redis `SET NX PX`) instead.
 */
export class InMemoryReplayCache extends ReplayCache {
  // Insertion order is expiry order, because every entry lives the same ttl.
  private readonly expiries = new Map<string, number>();
  private readonly maxEntries: number;

  constructor(private readonly options: InMemoryReplayCacheOptions) {
    super();
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  get size(): number {
    return this.expiries.size;
  }

  override remember(id: string, nowMs: number): ReplayCacheAnswer {
    for (const [seen, expiresAt] of this.expiries) {
      if (expiresAt > nowMs) break;
      this.expiries.delete(seen);
    }
    if (this.expiries.has(id)) return 'replayed';
    if (this.expiries.size >= this.maxEntries) return 'full';
    this.expiries.set(id, nowMs + this.options.ttlMs);
    return 'recorded';
  }
}
