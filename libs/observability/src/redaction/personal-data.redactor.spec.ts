import { redactPersonalData } from './personal-data.redactor';

describe('redactPersonalData', () => {
  it('redacts personal keys at any depth, in objects and arrays', () => {
    const order = {
      orderId: 'ord_1',
      customer: { email: 'jane@example.com', firstName: 'Jane', last_name: 'Doe' },
      shipping: { recipientName: 'Jane Doe', addressLines: ['1 High St'], postcode: 'AB1 2CD' },
      lines: [{ sku: 'TEA-1', quantity: 2 }],
      payments: [{ cardToken: 'tok_123', amount: { minor: 1299, currency: 'GBP' } }],
    };

    expect(redactPersonalData(order)).toEqual({
      orderId: 'ord_1',
      customer: { email: '[redacted]', firstName: '[redacted]', last_name: '[redacted]' },
      shipping: { recipientName: '[redacted]', addressLines: '[redacted]', postcode: '[redacted]' },
      lines: [{ sku: 'TEA-1', quantity: 2 }],
      payments: [{ cardToken: '[redacted]', amount: { minor: 1299, currency: 'GBP' } }],
    });
  });

  it.each(['EMAIL', 'Email', 'e_mail', 'POSTAL_CODE', 'postal-code', 'User-Agent', 'X-API-KEY'])(
    'matches the key %s whatever its case and separators',
    (key) => {
      expect(redactPersonalData({ [key]: 'x' })).toEqual({ [key]: '[redacted]' });
    },
  );

  it('redacts credential headers', () => {
    const headers = { authorization: 'Bearer abc', cookie: 'sid=1', accept: 'application/json' };
    expect(redactPersonalData({ req: { headers } })).toEqual({
      req: {
        headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'application/json' },
      },
    });
  });

  it('redacts e-mails and card numbers inside any string, under any key', () => {
    expect(
      redactPersonalData({ note: 'ask jane@example.com', tags: ['paid 4111 1111 1111 1111'] }),
    ).toEqual({ note: 'ask [redacted]', tags: ['paid [redacted]'] });
  });

  it('serialises errors with their message, stack, own fields and cause redacted', () => {
    const cause = new Error('lookup of bob@example.com failed');
    const error = Object.assign(new Error('duplicate customer jane@example.com', { cause }), {
      code: '23505',
      detail: 'Key (email)=(jane@example.com) already exists.',
    });

    const result = redactPersonalData({ err: error }) as { err: Record<string, unknown> };

    expect(result.err).toMatchObject({
      type: 'Error',
      message: 'duplicate customer [redacted]',
      code: '23505',
      detail: 'Key (email)=([redacted]) already exists.',
      cause: { type: 'Error', message: 'lookup of [redacted] failed' },
    });
    expect(result.err['stack']).toContain('duplicate customer [redacted]');
    expect(JSON.stringify(result)).not.toContain('@example.com');
  });

  it('names an error by its class and does not mistake its name for a person', () => {
    class PaymentDeclinedError extends Error {
      override name = 'PaymentDeclinedError';
    }
    const result = redactPersonalData(new PaymentDeclinedError('declined')) as object;
    expect(result).toMatchObject({ type: 'PaymentDeclinedError', message: 'declined' });
    expect(result).not.toHaveProperty('name');
  });

  it('survives cycles and bounds depth', () => {
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic['self'] = cyclic;
    expect(redactPersonalData(cyclic)).toEqual({ id: 1, self: '[circular]' });

    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { child: deep };
    expect(JSON.stringify(redactPersonalData(deep))).toContain('[too deep]');
  });

  it('prints a shared, non-cyclic object every time it appears', () => {
    const money = { minor: 100, currency: 'EUR' };
    expect(redactPersonalData({ total: money, paid: money })).toEqual({
      total: money,
      paid: money,
    });
  });

  it('keeps primitives and dates, and never mutates its input', () => {
    const input = { email: 'jane@example.com', at: new Date('2025-01-02T03:04:05Z'), n: 7 };
    expect(redactPersonalData(input)).toEqual({
      email: '[redacted]',
      at: '2025-01-02T03:04:05.000Z',
      n: 7,
    });
    expect(input.email).toBe('jane@example.com');
    expect(redactPersonalData(null)).toBeNull();
    expect(redactPersonalData(42)).toBe(42);
  });
});
