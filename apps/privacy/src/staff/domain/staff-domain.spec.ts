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
