/**
 * A fixed-window counter per network (never per address: the address is gone before this
 * sees it). In memory, per instance: it caps floods from one network, it is not a quota.
 */
export class NetworkRateLimiter {
  private windowStart = 0;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  allow(network: string): boolean {
    const now = this.clock();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.counts.clear();
    }
    const count = (this.counts.get(network) ?? 0) + 1;
    this.counts.set(network, count);
    return count <= this.limit;
  }
}
