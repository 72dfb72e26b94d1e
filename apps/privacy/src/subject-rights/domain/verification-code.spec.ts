import { randomBytes } from 'node:crypto';
import {
  newVerificationCode,
  verificationCodeHash,
  verificationCodeMatches,
} from './verification-code';

describe('verification codes', () => {
  const secret = randomBytes(32);

  it('are six digits, leading zeros kept', () => {
    const codes = Array.from({ length: 2_000 }, newVerificationCode);
    expect(codes.every((code) => /^\d{6}$/.test(code))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(1_990);
  });

  it('match only the same code, request and secret', () => {
    const stored = verificationCodeHash(secret, 'request-a', '012345');
    expect(verificationCodeMatches(secret, stored, 'request-a', '012345')).toBe(true);
    expect(verificationCodeMatches(secret, stored, 'request-a', '012346')).toBe(false);
    expect(verificationCodeMatches(secret, stored, 'request-b', '012345')).toBe(false);
    expect(verificationCodeMatches(randomBytes(32), stored, 'request-a', '012345')).toBe(false);
  });

  it('never match a request that had no code', () => {
    expect(verificationCodeMatches(secret, null, 'request-a', '000000')).toBe(false);
  });
});
