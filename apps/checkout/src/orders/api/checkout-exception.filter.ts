import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  CheckoutErrorCode,
  CheckoutException,
  type FieldProblem,
} from '../domain/checkout.exception';

export function httpStatusOf(code: CheckoutErrorCode): HttpStatus {
  switch (code) {
    case CheckoutErrorCode.InvalidRequest:
    case CheckoutErrorCode.UnknownPolicyVersion:
      return HttpStatus.BAD_REQUEST;
    case CheckoutErrorCode.Unauthenticated:
      return HttpStatus.UNAUTHORIZED;
    case CheckoutErrorCode.OrderNotFound:
    case CheckoutErrorCode.PolicyVersionNotFound:
      return HttpStatus.NOT_FOUND;
    case CheckoutErrorCode.IdempotencyKeyReused:
    case CheckoutErrorCode.IllegalTransition:
      return HttpStatus.CONFLICT;
    case CheckoutErrorCode.CardNumberSubmitted:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case CheckoutErrorCode.KeyServiceUnavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  fields?: FieldProblem[];
}

/** What to say for an error raised outside our code (Fastify's body parsing, Nest's router). */
const BY_STATUS: Readonly<Record<number, { error: string; message: string }>> = {
  404: { error: 'not-found', message: 'No such resource' },
  405: { error: 'method-not-allowed', message: 'This resource does not take that method' },
  413: { error: 'payload-too-large', message: 'The request body is larger than this API accepts' },
  415: { error: 'unsupported-media-type', message: 'Send the body as application/json' },
};
const BY_CODE: Readonly<Record<string, { error: string; message: string }>> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: { error: 'malformed-json', message: 'The body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { error: 'malformed-json', message: 'The body is not valid JSON' },
};

function frameworkError(exception: unknown): { status: number; body: ErrorBody } | undefined {
  let status: unknown;
  let code: unknown;
  if (exception instanceof HttpException) {
    status = exception.getStatus();
    // Our own guards refuse with 503 when they cannot work (staff access: the audit log is
    // down, so no data may be returned); the caller should retry, not see a 500.
    if (status === 503) return { status, body: unavailable(exception.getResponse()) };
  } else if (typeof exception === 'object' && exception !== null) {
    ({ statusCode: status, code } = exception as { statusCode?: unknown; code?: unknown });
  }
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const known = (typeof code === 'string' ? BY_CODE[code] : undefined) ?? BY_STATUS[status];
  // Framework messages can quote the body (a JSON syntax error does): never pass them on.
  return { status, body: known ?? { error: 'bad-request', message: 'Bad request' } };
}

/** The guard's own code and message (`audit-unavailable`), never anything else it carries. */
function unavailable(response: string | object): ErrorBody {
  const { code, message } = response as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string'
    ? { error: code, message }
    : { error: 'service-unavailable', message: 'This cannot be answered now; try again shortly' };
}

/**
 * Every error the checkout API answers, in one shape: `{ error, message, fields? }`. Messages
 * are ours, never a framework's or a database's, so no answer repeats what was sent.
 */
@Catch()
export class CheckoutExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(CheckoutExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.answerFor(exception);
    if (status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="lumen-checkout"');
    if (status === 503) void reply.header('Retry-After', '5');
    void reply.status(status).send(body);
  }

  private answerFor(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof CheckoutException) {
      const status: number = httpStatusOf(exception.code);
      const body: ErrorBody = { error: exception.code, message: exception.message };
      if (exception.fields.length > 0) body.fields = [...exception.fields];
      return { status, body };
    }
    const framework = frameworkError(exception);
    if (framework !== undefined) return framework;
    // The logger redacts personal keys and patterns; the caller learns nothing internal.
    this.logger.error('unexpected error answering a request', { err: exception });
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { error: 'internal-error', message: 'Something went wrong on our side' },
    };
  }
}
