import { Payment } from './payment';

describe('Payment', () => {
  const orderId = '7d7f5b4e-6f1e-4a8e-9d8c-1b2a3c4d5e6f';

  it('goes authorising → authorised → confirmed, keeping the gateway reference', () => {
    const payment = Payment.start(orderId, 1299, 'GBP');
    payment.authorised('auth_1');
    payment.confirmed('cap_1');
    expect(payment.snapshot).toMatchObject({ status: 'confirmed', gatewayReference: 'cap_1' });
    expect(payment.isSettled).toBe(true);
  });

  it('fails with a reason from authorising or authorised', () => {
    const declined = Payment.start(orderId, 1299, 'GBP');
    declined.failed('declined');
    expect(declined.snapshot).toMatchObject({ status: 'failed', reasonCode: 'declined' });
    const lost = Payment.start(orderId, 1299, 'GBP');
    lost.authorised('auth_1');
    lost.failed('gateway-unavailable');
    expect(lost.isSettled).toBe(true);
  });

  it('refuses to leave a final state or to skip authorisation', () => {
    const payment = Payment.start(orderId, 1299, 'GBP');
    expect(() => {
      payment.confirmed('cap_1');
    }).toThrow(/authorising to confirmed/);
    payment.failed('declined');
    expect(() => {
      payment.authorised('auth_1');
    }).toThrow(/failed to authorised/);
  });

  it('refunds a confirmed payment and voids a bare authorisation, once', () => {
    const at = new Date('2026-11-25T10:00:00Z');
    const captured = Payment.start(orderId, 1299, 'GBP');
    captured.authorised('auth_1');
    captured.confirmed('cap_1');
    expect(captured.refundKind).toBe('refund');
    captured.refunded('carrier-refused', at);
    expect(captured.snapshot).toMatchObject({
      status: 'refunded',
      gatewayReference: 'cap_1',
      reasonCode: null,
      refund: { kind: 'refund', reasonCode: 'carrier-refused', at },
    });
    expect(captured.refundKind).toBeUndefined();
    expect(() => {
      captured.refunded('carrier-refused', at);
    }).toThrow(/nothing to refund/);

    const held = Payment.start(orderId, 1299, 'GBP');
    held.authorised('auth_2');
    expect(held.refundKind).toBe('void');
    held.refunded('carrier-refused', at);
    expect(held.snapshot.refund).toMatchObject({ kind: 'void' });
    expect(held.isSettled).toBe(true);
  });

  it('has nothing to refund for a payment that failed or never got an answer', () => {
    const failed = Payment.start(orderId, 1299, 'GBP');
    failed.failed('declined');
    expect(failed.refundKind).toBeUndefined();
    expect(() => {
      failed.refunded('carrier-refused', new Date());
    }).toThrow(/nothing to refund/);
    expect(Payment.start(orderId, 1299, 'GBP').refundKind).toBeUndefined();
  });
});
