/**
 * Message ids a verifier has accepted, so a captured message cannot be played again. An id
 * must be remembered for longer than a message can pass the timestamp check (the skew window
 * on either side), so entries live `ttlMs` ≥ 2 × max skew.
 */
export type ReplayCacheAnswer = 'recorded' | 'replayed' | 'full';

export abstract class CarrierReplayCache {
  /** Records the id: `replayed` if it was already there, `full` if it cannot be recorded. */
  abstract remember(id: string, nowMs: number): ReplayCacheAnswer;
}

export interface InMemoryCarrierReplayCacheOptions {
  readonly ttlMs: number;
  readonly maxEntries?: number;
}

/**
 * One process's replay cache, bounded in time and size. When it is full of live entries it
 * refuses new messages rather than forget an id early, which would reopen the replay window
 * (fail closed: size it for the peak message rate × ttl). Only messages with a valid signature
 * are recorded, so a stranger cannot fill it. Several replicas behind one address need a
 * shared cache instead (Redis `SET key 1 NX PX ttl`), as a subclass of `CarrierReplayCache`.
 */
export class InMemoryCarrierReplayCache extends CarrierReplayCache {
  // Insertion order is expiry order, because every entry lives the same ttl and time only
  // moves forward (an entry stamped by a clock that went back expires a little late: safe).
  private readonly expiries = new Map<string, number>();
  private readonly maxEntries: number;

  constructor(private readonly options: InMemoryCarrierReplayCacheOptions) {
    super();
    if (!(options.ttlMs > 0)) throw new Error('ttlMs must be positive');
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
