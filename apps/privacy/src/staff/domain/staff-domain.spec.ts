import { afterFailure, isLocked, LOCKOUT_MS, MAX_FAILED_ATTEMPTS } from './lockout';
import { PasswordHasher } from './password-hasher';
import { PasswordPolicy } from './password-policy';

describe('password policy', () => {
  const policy = new PasswordPolicy(['correct horse battery staple']);

  it.each([
    ['short1!', 'too-short'],
    ['password1234', 'breached'],
    ['QWERTYUIOP123', 'breached'],
    ['Password2026!!', 'common-word'],
    ['!!Welcome12345', 'common-word'],
    ['P@ssw0rd-2026', 'common-word'],
    ['aaaaaaaaaaaa', 'breached'],
    ['aaaaaaaaaaaaaaa', 'repetitive'],
    ['abababababababab', 'repetitive'],
    ['correct horse battery staple', 'breached'],
  ])('refuses %s (%s)', (password, refusal) => {
    expect(policy.check(password)).toBe(refusal);
  });

  it('accepts a long passphrase', () => {
    expect(policy.check('amber lamp under tuesday rain')).toBeNull();
    expect(policy.breachedCount).toBeGreaterThan(100);
  });
});

describe('password hashing', () => {
  const hasher = new PasswordHasher();

  it('salts each hash, verifies the right password only, and refuses weak parameters', async () => {
    const first = await hasher.hash('amber lamp under tuesday rain');
    const second = await hasher.hash('amber lamp under tuesday rain');
    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(await hasher.verify('amber lamp under tuesday rain', first)).toBe(true);
    expect(await hasher.verify('amber lamp under tuesday rain!', first)).toBe(false);
    expect(await hasher.verify('anything', 'md5$abc')).toBe(false);
    expect(() => new PasswordHasher({ log2N: 10, r: 8, p: 1 })).toThrow();
  });
});

describe('lockout', () => {
  it('locks on the fifth failure in a row, for fifteen minutes', () => {
    const now = new Date('2026-11-25T10:00:00Z');
    let state = { failedAttempts: 0, lockedUntil: null as Date | null };
    for (let i = 1; i < MAX_FAILED_ATTEMPTS; i += 1) {
      state = afterFailure(state, now);
      expect(isLocked(state, now)).toBe(false);
    }
    state = afterFailure(state, now);
    expect(isLocked(state, now)).toBe(true);
    expect(isLocked(state, new Date(now.getTime() + LOCKOUT_MS - 1))).toBe(true);
    expect(isLocked(state, new Date(now.getTime() + LOCKOUT_MS))).toBe(false);
  });
});
