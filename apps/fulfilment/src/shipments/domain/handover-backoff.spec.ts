import { nextHandoverAttempt } from './handover-backoff';

const policy = { retryBaseMs: 1_000, retryMaxMs: 60_000, deadlineMs: 3_600_000 };
const createdAt = new Date('2026-11-25T09:00:00Z');
const at = (ms: number) => new Date(createdAt.getTime() + ms);

describe('nextHandoverAttempt', () => {
  it('doubles the delay per attempt, between half and all of it (jitter)', () => {
    const now = at(10_000);
    const delays = [1, 2, 3, 4].map((attempt) => {
      const low = nextHandoverAttempt(attempt, createdAt, now, policy, () => 0);
      const high = nextHandoverAttempt(attempt, createdAt, now, policy, () => 1);
      if (low.kind !== 'retry' || high.kind !== 'retry') throw new Error('expected a retry');
      return [low.at.getTime() - now.getTime(), high.at.getTime() - now.getTime()];
    });
    expect(delays).toEqual([
      [500, 1_000],
      [1_000, 2_000],
      [2_000, 4_000],
      [4_000, 8_000],
    ]);
  });

  it('caps the delay', () => {
    const retry = nextHandoverAttempt(30, createdAt, at(0), policy, () => 1);
    expect(retry).toEqual({ kind: 'retry', at: at(60_000) });
  });

  it('makes the last attempt at the deadline, and gives up after it', () => {
    const nearEnd = at(policy.deadlineMs - 100);
    expect(nextHandoverAttempt(10, createdAt, nearEnd, policy, () => 1)).toEqual({
      kind: 'retry',
      at: at(policy.deadlineMs),
    });
    expect(nextHandoverAttempt(11, createdAt, at(policy.deadlineMs), policy)).toEqual({
      kind: 'give-up',
    });
  });
});
