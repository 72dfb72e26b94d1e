import {
  GatewayFailure,
  PaymentGateway,
  type AuthorisationStanding,
  type AuthoriseResult,
  type CaptureResult,
} from '../payments/application/payment-gateway.port';
import { MeasuredPaymentGateway } from './measured-payment.gateway';
import { paymentMetrics } from './payment.metrics';

class ScriptedGateway extends PaymentGateway {
  constructor(private readonly answers: (() => Promise<unknown>)[]) {
    super();
  }
  private next<T>(): Promise<T> {
    const answer = this.answers.shift();
    if (!answer) throw new Error('no answer scripted');
    return answer() as Promise<T>;
  }
  authorise(): Promise<AuthoriseResult> {
    return this.next();
  }
  capture(): Promise<CaptureResult> {
    return this.next();
  }
  void(): Promise<void> {
    return this.next();
  }
  refund(): Promise<void> {
    return this.next();
  }
  lookUp(): Promise<AuthorisationStanding> {
    return this.next();
  }
}

async function count(operation: string, outcome: string): Promise<number> {
  const { values } = await paymentMetrics.gatewayRequests.get();
  return (
    values.find((v) => v.labels.operation === operation && v.labels.outcome === outcome)?.value ?? 0
  );
}

describe('MeasuredPaymentGateway', () => {
  const request = {
    orderId: 'o',
    idempotencyKey: 'k',
    amountMinor: 100,
    currency: 'GBP',
    cardToken: 't',
  };

  it('counts answers, declines and each kind of failure, and times every request', async () => {
    const gateway = new MeasuredPaymentGateway(
      new ScriptedGateway([
        () => Promise.resolve({ outcome: 'authorised', authorisationId: 'a' }),
        () => Promise.resolve({ outcome: 'declined', reason: 'declined' }),
        () => Promise.reject(new GatewayFailure('unavailable', 'timeout')),
        () => Promise.reject(new GatewayFailure('unverified', 'bad signature')),
        () => Promise.reject(new Error('bug')),
      ]),
    );
    const before = {
      ok: await count('authorise', 'ok'),
      declined: await count('authorise', 'declined'),
      unavailable: await count('authorise', 'unavailable'),
      unverified: await count('authorise', 'unverified'),
      error: await count('authorise', 'error'),
    };

    await expect(gateway.authorise(request)).resolves.toMatchObject({ outcome: 'authorised' });
    await expect(gateway.authorise(request)).resolves.toMatchObject({ outcome: 'declined' });
    await expect(gateway.authorise(request)).rejects.toThrow('timeout');
    await expect(gateway.authorise(request)).rejects.toThrow('bad signature');
    await expect(gateway.authorise(request)).rejects.toThrow('bug');

    expect({
      ok: await count('authorise', 'ok'),
      declined: await count('authorise', 'declined'),
      unavailable: await count('authorise', 'unavailable'),
      unverified: await count('authorise', 'unverified'),
      error: await count('authorise', 'error'),
    }).toEqual({
      ok: before.ok + 1,
      declined: before.declined + 1,
      unavailable: before.unavailable + 1,
      unverified: before.unverified + 1,
      error: before.error + 1,
    });
    const { values } = await paymentMetrics.gatewayRequestSeconds.get();
    const timed = values.find(
      (v) =>
        v.metricName === 'lumen_gateway_request_duration_seconds_count' &&
        v.labels.operation === 'authorise',
    );
    expect(timed?.value).toBeGreaterThanOrEqual(5);
  });
});
