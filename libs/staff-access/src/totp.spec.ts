import {
  fromBase32,
  generateTotpSecret,
  hotp,
  toBase32,
  totpAt,
  verifyTotp,
} from '#lumen/staff-access';

describe('TOTP', () => {
  // RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
  const rfcSecret = Buffer.from('12345678901234567890', 'ascii');

  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC 6238 SHA-1 vector at T=%i', (seconds, expected) => {
    expect(totpAt(rfcSecret, new Date(seconds * 1000), 8)).toBe(expected);
  });

  it('matches the RFC 4226 HOTP vectors', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314'];
    expected.forEach((code, counter) => {
      expect(hotp(rfcSecret, BigInt(counter))).toBe(code);
    });
  });

  it('accepts the current step and one either side, and nothing further', () => {
    const now = new Date(1_764_000_000_000);
    const at = (offsetSeconds: number) =>
      totpAt(rfcSecret, new Date(now.getTime() + offsetSeconds * 1000));
    expect(verifyTotp(rfcSecret, at(0), now)).toBe(true);
    expect(verifyTotp(rfcSecret, at(-30), now)).toBe(true);
    expect(verifyTotp(rfcSecret, at(30), now)).toBe(true);
    expect(verifyTotp(rfcSecret, at(-90), now)).toBe(false);
    expect(verifyTotp(rfcSecret, at(90), now)).toBe(false);
  });

  it('refuses anything that is not six digits', () => {
    const now = new Date();
    for (const code of ['', '12345', '1234567', 'abcdef', ' 123456']) {
      expect(verifyTotp(rfcSecret, code, now)).toBe(false);
    }
  });

  it('round-trips secrets through base32 (RFC 4648 vector)', () => {
    expect(toBase32(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    const secret = generateTotpSecret();
    expect(fromBase32(toBase32(secret))).toEqual(secret);
  });
});
