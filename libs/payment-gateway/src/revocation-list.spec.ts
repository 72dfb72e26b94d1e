import {
  checkRevocationList,
  GatewayRootKey,
  InMemoryReplayCache,
  issueRevocationList,
  RevocationListHolder,
  RevocationListPoller,
} from '#lumen/payment-gateway';

describe('revocation lists', () => {
  const root = GatewayRootKey.generate();
  const entry = {
    serial: 'ab'.repeat(16),
    keyId: 'lumen-shop:0123456789abcdef',
    revokedAt: '2026-11-25T10:00:00.000Z',
    reason: 'server stolen',
  };

  it('verifies a list signed by the pinned root', () => {
    const list = issueRevocationList(root, [entry], new Date());
    expect(checkRevocationList(root.pinned, list)).toEqual({ ok: true, list });
  });

  it('refuses a list with an entry removed, from another root, or malformed', () => {
    const list = issueRevocationList(root, [entry], new Date());
    expect(checkRevocationList(root.pinned, { ...list, revoked: [] })).toMatchObject({
      reason: 'bad-signature',
    });
    const other = issueRevocationList(GatewayRootKey.generate(), [], new Date());
    expect(checkRevocationList(root.pinned, other)).toMatchObject({ reason: 'untrusted-issuer' });
    expect(checkRevocationList(root.pinned, { ...list, extra: 1 })).toMatchObject({
      reason: 'malformed',
    });
  });

  it('never rolls back to an older list', () => {
    const holder = new RevocationListHolder(root.pinned);
    const newer = issueRevocationList(root, [entry], new Date('2026-11-25T10:00:10Z'));
    const older = issueRevocationList(root, [], new Date('2026-11-25T10:00:00Z'));
    expect(holder.update(newer)).toEqual({ accepted: true });
    expect(holder.update(older)).toEqual({ accepted: false, reason: 'older-than-held' });
    expect(holder.current()?.revocationOf('x', entry.keyId)).toEqual(entry);
  });

  it('polls no less often than every 30 s', () => {
    expect(
      () => new RevocationListPoller({ url: 'http://x', root: root.pinned, intervalMs: 30_001 }),
    ).toThrow(/1\.\.30000/);
  });

  it('keeps the old list when a fetch fails, and reports the problem', async () => {
    const problems: string[] = [];
    let answer: () => Promise<Response> = () =>
      Promise.resolve(Response.json(issueRevocationList(root, [], new Date())));
    const poller = new RevocationListPoller({
      url: 'http://gateway.test/revocation-list',
      root: root.pinned,
      fetch: () => answer(),
      onProblem: (problem) => problems.push(problem),
    });
    expect(await poller.refresh()).toEqual({ accepted: true });
    const held = poller.holder.current();
    answer = () => Promise.reject(new Error('connection refused'));
    expect(await poller.refresh()).toBeUndefined();
    answer = () =>
      Promise.resolve(
        Response.json(issueRevocationList(GatewayRootKey.generate(), [], new Date())),
      );
    expect(await poller.refresh()).toEqual({ accepted: false, reason: 'untrusted-issuer' });
    expect(poller.holder.current()).toBe(held);
    expect(problems).toEqual([
      'revocation list fetch failed: connection refused',
      'revocation list refused: untrusted-issuer',
    ]);
  });
});

describe('InMemoryReplayCache', () => {
  it('remembers an id for its ttl, then forgets it', () => {
    const cache = new InMemoryReplayCache({ ttlMs: 1_000 });
    expect(cache.remember('a', 0)).toBe('recorded');
    expect(cache.remember('a', 999)).toBe('replayed');
    expect(cache.remember('a', 1_000)).toBe('recorded');
  });

  it('refuses rather than forgets a live id when full', () => {
    const cache = new InMemoryReplayCache({ ttlMs: 1_000, maxEntries: 2 });
    expect(cache.remember('a', 0)).toBe('recorded');
    expect(cache.remember('b', 0)).toBe('recorded');
    expect(cache.remember('c', 10)).toBe('full');
    expect(cache.remember('a', 10)).toBe('replayed');
    expect(cache.remember('c', 1_000)).toBe('recorded');
    expect(cache.size).toBe(1);
  });
});
