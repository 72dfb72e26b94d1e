import { Payment } from './payment';

describe('Payment', () => {
  const orderId = '7d7f5b4e-6f1e-4a8e-9d8c-1b2a3c4d5e6f';

  it('goes authorising → authorised → confirmed, keeping the gateway reference', () => {
    const payment = Payment.start(orderId, 1299, 'GBP');
    payment.authorised('auth_1');
    payment.confirmed('cap_1');
    expect(payment.snapshot).toMatchObject({ status: 'confirmed', gatewayReference: 'cap_1' });
    expect(payment.isFinal).toBe(true);
  });

  it('fails with a reason from authorising or authorised', () => {
    const declined = Payment.start(orderId, 1299, 'GBP');
    declined.failed('declined');
    expect(declined.snapshot).toMatchObject({ status: 'failed', reasonCode: 'declined' });
    const lost = Payment.start(orderId, 1299, 'GBP');
    lost.authorised('auth_1');
    lost.failed('gateway-unavailable');
    expect(lost.isFinal).toBe(true);
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
});
