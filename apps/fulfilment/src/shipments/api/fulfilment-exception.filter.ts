import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FulfilmentErrorCode, FulfilmentException } from '../domain/fulfilment.exception';

export function httpStatusOf(code: FulfilmentErrorCode): HttpStatus {
  switch (code) {
    case FulfilmentErrorCode.CallbackUnauthenticated:
      return HttpStatus.UNAUTHORIZED;
    case FulfilmentErrorCode.CallbackReplayed:
    case FulfilmentErrorCode.TrackingConflict:
    case FulfilmentErrorCode.IllegalTransition:
      return HttpStatus.CONFLICT;
    case FulfilmentErrorCode.InvalidTrackingEvent:
      return HttpStatus.BAD_REQUEST;
    case FulfilmentErrorCode.UnknownShipment:
      return HttpStatus.NOT_FOUND;
    case FulfilmentErrorCode.CallbackOverloaded:
    case FulfilmentErrorCode.ShipmentNotReady:
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

export interface ErrorBody {
  readonly status: 'error';
  readonly code: string;
  readonly message: string;
}

/** The guard's own code and message (`audit-unavailable`), never anything else it carries. */
function unavailable(response: string | object): ErrorBody {
  const { code, message } = response as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string'
    ? { status: 'error', code, message }
    : { status: 'error', code: 'unavailable', message: 'This cannot be answered now; try again' };
}

/**
 * Every error the fulfilment API answers, in the carrier wire's error shape
 * (`{ status: 'error', code, message }`). Messages are ours, never a framework's or a
 * database's, so no answer repeats what was sent.
 */
@Catch()
export class FulfilmentExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(FulfilmentExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.answerFor(exception);
    if (status === 503) void reply.header('Retry-After', '2');
    void reply.status(status).send(body);
  }

  private answerFor(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof FulfilmentException) {
      return {
        status: httpStatusOf(exception.code),
        body: { status: 'error', code: exception.code, message: exception.message },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Our own guards refuse with 503 when they cannot work (staff access: the audit log is
      // down, so no data may be returned); the caller should retry, not see a 500.
      if (status === 503) return { status, body: unavailable(exception.getResponse()) };
      if (status < 500) {
        return {
          status,
          body: { status: 'error', code: 'bad-request', message: 'The request was refused' },
        };
      }
    }
    const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      // Fastify's own refusals (body too large, wrong media type): never quote them.
      return {
        status: statusCode,
        body: { status: 'error', code: 'bad-request', message: 'The request was refused' },
      };
    }
    this.logger.error('request failed', {
      err: exception instanceof Error ? `${exception.name}: ${exception.message}` : 'non-error',
    });
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { status: 'error', code: 'internal', message: 'Something went wrong; try again' },
    };
  }
}
