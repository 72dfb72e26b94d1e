import { isTransientDatabaseError } from '#lumen/database';

function withCode(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isTransientDatabaseError', () => {
  it.each(['08006', '57P01', '53300', '40001', 'ECONNREFUSED'])(
    'treats %s as transient',
    (code) => {
      expect(isTransientDatabaseError(withCode(code))).toBe(true);
    },
  );

  it('looks through TypeORM QueryFailedError to the driver error', () => {
    const wrapped = Object.assign(new Error('query failed'), { driverError: withCode('57P01') });
    expect(isTransientDatabaseError(wrapped)).toBe(true);
  });

  it.each(['23505', '42P01', '22P02'])('treats %s (a wrong operation) as permanent', (code) => {
    expect(isTransientDatabaseError(withCode(code))).toBe(false);
  });

  it('recognises a dropped connection by its message', () => {
    expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientDatabaseError('nope')).toBe(false);
  });
});
