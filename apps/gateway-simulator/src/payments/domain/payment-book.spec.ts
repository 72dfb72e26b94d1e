import { PaymentBook } from './payment-book';

describe('PaymentBook', () => {
  const authorise = (book: PaymentBook, merchantId = 'shop', declineCode?: 'do-not-honour') =>
    book.authorise({
      merchantId,
      merchantReference: 'order-1',
      amountMinor: 1000,
      currency: 'GBP',
      declineCode,
    });

  it('runs an operation once per idempotency key and replays its answer', () => {
    const book = new PaymentBook();
    let runs = 0;
    const context = {
      merchantId: 'shop',
      operation: 'capture' as const,
      idempotencyKey: 'k',
      request: { a: 1 },
    };
    const first = book.idempotent(context, () => ({ status: 201, body: { n: ++runs } }));
    const again = book.idempotent(context, () => ({ status: 201, body: { n: ++runs } }));
    expect(first).toEqual({ answer: { status: 201, body: { n: 1 } }, replayed: false });
    expect(again).toEqual({ answer: { status: 201, body: { n: 1 } }, replayed: true });
    expect(() =>
      book.idempotent({ ...context, request: { a: 2 } }, () => ({ status: 201, body: {} })),
    ).toThrow(/different capture/);
    // Scoped per merchant and per operation.
    expect(
      book.idempotent({ ...context, merchantId: 'other' }, () => ({ status: 201, body: {} }))
        .replayed,
    ).toBe(false);
    expect(
      book.idempotent({ ...context, operation: 'void' }, () => ({ status: 201, body: {} }))
        .replayed,
    ).toBe(false);
  });

  it('captures an authorisation once, never a declined or voided one, never more than authorised', () => {
    const book = new PaymentBook();
    const authorised = authorise(book);
    expect(() => book.capture('shop', authorised.authorisationId, 1001)).toThrow(/more than/);
    expect(book.capture('shop', authorised.authorisationId, 1000).status).toBe('captured');
    expect(() => book.capture('shop', authorised.authorisationId, 1000)).toThrow(/captured/);
    expect(() => book.void('shop', authorised.authorisationId)).toThrow(/captured/);
    const declined = authorise(book, 'shop', 'do-not-honour');
    expect(() => book.capture('shop', declined.authorisationId, 10)).toThrow(/declined/);
    const voided = authorise(book);
    book.void('shop', voided.authorisationId);
    expect(() => book.capture('shop', voided.authorisationId, 10)).toThrow(/voided/);
  });

  it('refunds no more than was captured, and hides other merchants’ payments', () => {
    const book = new PaymentBook();
    const captured = book.capture('shop', authorise(book).authorisationId, 1000);
    const captureId = captured.captureId!;
    book.refund('shop', captureId, 600);
    expect(() => book.refund('shop', captureId, 401)).toThrow(/more than/);
    expect(book.refund('shop', captureId, 400).refundedMinor).toBe(1000);
    expect(() => book.capture('thief', captured.authorisationId, 1)).toThrow(/No authorisation/);
    expect(() => book.find('thief', captured.authorisationId)).toThrow(/No authorisation/);
  });
});
