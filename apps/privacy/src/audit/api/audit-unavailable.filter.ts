import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditUnavailableError } from '#lumen/staff-access';

/** Seconds a caller should wait: the audit log is PostgreSQL, which is usually back soon. */
const RETRY_AFTER_SECONDS = 5;

/**
 * A use case that records a personal-data read itself (a disclosure export) fails closed when
 * the audit log cannot take the record: no data goes out. That is a temporary outage, not a
 * fault of the caller's request, so it is a 503 with Retry-After, as the staff-access guard
 * answers the same failure on the reads it records.
 */
@Catch(AuditUnavailableError)
export class AuditUnavailableFilter implements ExceptionFilter<AuditUnavailableError> {
  catch(_error: AuditUnavailableError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply
      .status(503)
      .header('cache-control', 'no-store')
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send({
        statusCode: 503,
        code: 'audit-unavailable',
        message: 'The read could not be recorded, so no data is returned; try again shortly',
      });
  }
}
