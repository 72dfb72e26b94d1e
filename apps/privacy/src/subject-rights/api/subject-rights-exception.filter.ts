import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SubjectRightsErrorCode, SubjectRightsException } from '../domain/subject-rights.exception';

export function subjectRightsHttpStatus(code: SubjectRightsErrorCode): HttpStatus {
  switch (code) {
    case SubjectRightsErrorCode.InvalidRequest:
      return HttpStatus.BAD_REQUEST;
    case SubjectRightsErrorCode.RequestNotFound:
    case SubjectRightsErrorCode.LinkNotFound:
      return HttpStatus.NOT_FOUND;
    case SubjectRightsErrorCode.CodeWrong:
      return HttpStatus.UNAUTHORIZED;
    case SubjectRightsErrorCode.CodeExpired:
    case SubjectRightsErrorCode.LinkExpired:
      return HttpStatus.GONE;
    case SubjectRightsErrorCode.AttemptsExhausted:
      return HttpStatus.LOCKED;
    case SubjectRightsErrorCode.AlreadyVerified:
      return HttpStatus.CONFLICT;
  }
}

/** `{ statusCode, code, message, ...details }`: what a person can act on, nothing more. */
@Catch(SubjectRightsException)
export class SubjectRightsExceptionFilter implements ExceptionFilter {
  catch(exception: SubjectRightsException, host: ArgumentsHost): void {
    const status: number = subjectRightsHttpStatus(exception.code);
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .header('cache-control', 'no-store')
      .status(status)
      .send({
        statusCode: status,
        code: exception.code,
        message: exception.message,
        ...exception.details,
      });
  }
}
