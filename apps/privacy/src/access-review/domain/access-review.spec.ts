import { flagUnused, isReviewOverdue, type Grant } from './access-review';

const now = new Date('2026-11-25T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const grant = (over: Partial<Grant>): Grant => ({
  kind: 'staff-role',
  principal: 'stf_1',
  grant: 'role:support',
  dataCategory: 'personal',
  grantedAt: daysAgo(200),
  lastUsedAt: daysAgo(10),
  usageTracked: true,
  ...over,
});

describe('access review', () => {
  it('flags grants unused for 90 days, or never used and held that long', () => {
    expect(flagUnused(grant({}), now).unused).toBe(false);
    expect(flagUnused(grant({ lastUsedAt: daysAgo(91) }), now).unused).toBe(true);
    expect(flagUnused(grant({ lastUsedAt: null }), now).unused).toBe(true);
    expect(flagUnused(grant({ lastUsedAt: null, grantedAt: daysAgo(5) }), now).unused).toBe(false);
    expect(flagUnused(grant({ lastUsedAt: null, usageTracked: false }), now).unused).toBe(false);
  });

  it('reports a review overdue after the interval, or when none was ever signed off', () => {
    expect(isReviewOverdue(null, 90, now)).toBe(true);
    expect(isReviewOverdue(daysAgo(89), 90, now)).toBe(false);
    expect(isReviewOverdue(daysAgo(91), 90, now)).toBe(true);
  });
});
