import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';

function statusOf(code: StaffErrorCode): number {
  switch (code) {
    case StaffErrorCode.InvalidRequest:
    case StaffErrorCode.WeakPassword:
      return 400;
    case StaffErrorCode.BadCredentials:
    case StaffErrorCode.NoSession:
      return 401;
    case StaffErrorCode.Forbidden:
      return 403;
    case StaffErrorCode.NotFound:
      return 404;
    case StaffErrorCode.LoginTaken:
    case StaffErrorCode.Conflict:
      return 409;
    case StaffErrorCode.Locked:
      return 423;
  }
}

/** Maps the staff features' refusals to HTTP, one code to one status. */
@Catch(StaffException)
export class StaffExceptionFilter implements ExceptionFilter<StaffException> {
  catch(exception: StaffException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const status = statusOf(exception.code);
    void reply
      .status(status)
      .header('cache-control', 'no-store')
      .send({ statusCode: status, code: exception.code, message: exception.message });
  }
}
