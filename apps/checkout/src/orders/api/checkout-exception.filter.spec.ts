import {
  InternalServerErrorException,
  ServiceUnavailableException,
  type ArgumentsHost,
} from '@nestjs/common';
import { CheckoutErrorCode } from '../domain/checkout.exception';
import { CheckoutExceptionFilter, httpStatusOf } from './checkout-exception.filter';

describe('checkout errors over HTTP', () => {
  it.each([
    [CheckoutErrorCode.InvalidRequest, 400],
    [CheckoutErrorCode.UnknownPolicyVersion, 400],
    [CheckoutErrorCode.Unauthenticated, 401],
    [CheckoutErrorCode.OrderNotFound, 404],
    [CheckoutErrorCode.PolicyVersionNotFound, 404],
    [CheckoutErrorCode.IdempotencyKeyReused, 409],
    [CheckoutErrorCode.IllegalTransition, 409],
    [CheckoutErrorCode.CardNumberSubmitted, 422],
    [CheckoutErrorCode.KeyServiceUnavailable, 503],
  ])('%s is %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
  });

  it('maps every code', () => {
    for (const code of Object.values(CheckoutErrorCode)) {
      expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('CheckoutExceptionFilter', () => {
  /** Runs the filter on one exception and returns what the reply was given. */
  function answer(exception: unknown) {
    const sent = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
    const reply = {
      header(name: string, value: string) {
        sent.headers[name.toLowerCase()] = value;
        return reply;
      },
      status(code: number) {
        sent.status = code;
        return reply;
      },
      send(body: unknown) {
        sent.body = body;
        return reply;
      },
    };
    const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
    new CheckoutExceptionFilter().catch(exception, host);
    return sent;
  }

  it("passes the staff guard's audit-unavailable on as a 503 to retry, with Retry-After", () => {
    const sent = answer(
      new ServiceUnavailableException({
        statusCode: 503,
        code: 'audit-unavailable',
        message: 'The read could not be recorded, so no data is returned; try again shortly',
      }),
    );
    expect(sent.status).toBe(503);
    expect(sent.headers['retry-after']).toBe('5');
    expect(sent.body).toEqual({
      error: 'audit-unavailable',
      message: 'The read could not be recorded, so no data is returned; try again shortly',
    });
  });

  it('answers a 503 without our code in a generic shape', () => {
    const sent = answer(new ServiceUnavailableException('upstream said: secret detail'));
    expect(sent.status).toBe(503);
    expect(JSON.stringify(sent.body)).not.toContain('secret');
  });

  it('still answers other 5xx exceptions as a 500', () => {
    expect(answer(new InternalServerErrorException('boom')).status).toBe(500);
    expect(answer(new Error('boom')).status).toBe(500);
  });
});
