import {
  Catch,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { KeyServiceErrorCode, KeyServiceException } from '../domain/key-service.exception';

export function httpStatusOf(code: KeyServiceErrorCode): HttpStatus {
  switch (code) {
    case KeyServiceErrorCode.KeyNotFound:
      return HttpStatus.NOT_FOUND;
    case KeyServiceErrorCode.KeyDestroyed:
      return HttpStatus.GONE;
    case KeyServiceErrorCode.CallerNotAllowed:
    case KeyServiceErrorCode.PurposeNotCreatableByCaller:
    case KeyServiceErrorCode.ServicesNotPermittedForPurpose:
      return HttpStatus.FORBIDDEN;
    case KeyServiceErrorCode.AllowedServicesMismatch:
      return HttpStatus.CONFLICT;
    case KeyServiceErrorCode.UnknownPurpose:
      return HttpStatus.BAD_REQUEST;
    case KeyServiceErrorCode.KeyUnwrapFailed:
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}

/** Maps the key service's own exceptions to HTTP answers: `{ statusCode, code, message }`. */
@Catch(KeyServiceException)
export class KeyServiceExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(KeyServiceExceptionFilter.name);

  catch(exception: KeyServiceException, host: ArgumentsHost): void {
    const status: number = httpStatusOf(exception.code);
    if (status >= 500) {
      // An operator problem (wrong master key): say so loudly; the caller gets no details.
      this.logger.error(exception.message, { code: exception.code });
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(status).send({
      statusCode: status,
      code: exception.code,
      message:
        status >= 500 ? 'The key service cannot serve this key right now' : exception.message,
    });
  }
}
