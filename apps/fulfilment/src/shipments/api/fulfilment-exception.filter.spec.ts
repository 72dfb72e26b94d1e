import { NotFoundException, ServiceUnavailableException, type ArgumentsHost } from '@nestjs/common';
import { FulfilmentErrorCode, FulfilmentException } from '../domain/fulfilment.exception';
import { FulfilmentExceptionFilter, httpStatusOf } from './fulfilment-exception.filter';

function replyTo(exception: unknown): {
  status: number;
  body: unknown;
  headers: Record<string, string>;
} {
  const answer = { status: 0, body: undefined as unknown, headers: {} as Record<string, string> };
  const reply = {
    status(code: number) {
      answer.status = code;
      return reply;
    },
    header(name: string, value: string) {
      answer.headers[name] = value;
      return reply;
    },
    send(body: unknown) {
      answer.body = body;
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  new FulfilmentExceptionFilter().catch(exception, host);
  return answer;
}

describe('FulfilmentExceptionFilter', () => {
  it.each([
    [FulfilmentErrorCode.CallbackUnauthenticated, 401],
    [FulfilmentErrorCode.CallbackReplayed, 409],
    [FulfilmentErrorCode.TrackingConflict, 409],
    [FulfilmentErrorCode.IllegalTransition, 409],
    [FulfilmentErrorCode.InvalidTrackingEvent, 400],
    [FulfilmentErrorCode.UnknownShipment, 404],
    [FulfilmentErrorCode.ShipmentNotReady, 503],
    [FulfilmentErrorCode.CallbackOverloaded, 503],
  ])('answers %s with %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
    const answer = replyTo(new FulfilmentException(code, 'what to do'));
    expect(answer).toMatchObject({
      status,
      body: { status: 'error', code, message: 'what to do' },
    });
    if (status === 503) expect(answer.headers['Retry-After']).toBeDefined();
  });

  it('never repeats what a framework or a database said', () => {
    expect(replyTo(new NotFoundException('Cannot GET /secret?email=a@b.c'))).toMatchObject({
      status: 404,
      body: { status: 'error', code: 'bad-request', message: 'The request was refused' },
    });
    const answer = replyTo(new Error('duplicate key value violates unique constraint (x@y.z)'));
    expect(answer.status).toBe(500);
    expect(JSON.stringify(answer.body)).not.toContain('x@y.z');
  });

  it("passes the staff guard's audit-unavailable on as a 503 to retry, with Retry-After", () => {
    const answer = replyTo(
      new ServiceUnavailableException({
        statusCode: 503,
        code: 'audit-unavailable',
        message: 'The read could not be recorded, so no data is returned; try again shortly',
      }),
    );
    expect(answer).toMatchObject({
      status: 503,
      body: { status: 'error', code: 'audit-unavailable' },
    });
    expect(answer.headers['Retry-After']).toBeDefined();
    const generic = replyTo(new ServiceUnavailableException('upstream said: secret detail'));
    expect(generic.status).toBe(503);
    expect(JSON.stringify(generic.body)).not.toContain('secret');
  });
});
