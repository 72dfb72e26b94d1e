import { InMemoryCarrierReplayCache } from '#lumen/carrier';

describe('in-memory carrier replay cache', () => {
  it('remembers an id for its ttl, then forgets it', () => {
    const cache = new InMemoryCarrierReplayCache({ ttlMs: 1_000 });
    expect(cache.remember('a', 0)).toBe('recorded');
    expect(cache.remember('a', 999)).toBe('replayed');
    expect(cache.remember('a', 1_000)).toBe('recorded');
  });

  it('is bounded: full of live ids it refuses, and frees room as ids expire', () => {
    const cache = new InMemoryCarrierReplayCache({ ttlMs: 1_000, maxEntries: 2 });
    expect(cache.remember('a', 0)).toBe('recorded');
    expect(cache.remember('b', 10)).toBe('recorded');
    expect(cache.remember('c', 20)).toBe('full');
    expect(cache.remember('a', 20)).toBe('replayed');
    expect(cache.remember('c', 1_000)).toBe('recorded');
    expect(cache.size).toBe(2);
    expect(cache.remember('d', 5_000)).toBe('recorded');
    expect(cache.size).toBe(1);
  });

  it('refuses a ttl that would remember nothing', () => {
    expect(() => new InMemoryCarrierReplayCache({ ttlMs: 0 })).toThrow(/ttlMs/);
  });
});
