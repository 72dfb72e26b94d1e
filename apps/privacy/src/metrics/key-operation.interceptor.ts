import {
  HttpException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { tap, type Observable } from 'rxjs';
import { KEY_ACTION_METADATA } from '../keys/api/key-action.decorator';
import type { KeyAction } from '../keys/application/key-audit.log';
import { KeyServiceException } from '../keys/domain/key-service.exception';
import { privacyMetrics } from './privacy.metrics';

/**
 * Counts every key-service route (those named with `@KeyActionName`): granted, refused with the
 * key service's error code (or the HTTP status for a refusal raised before it, an unsigned call),
 * or `error`. Other routes (`/metrics`, `/health`) pass through uncounted.
 */
@Injectable()
export class KeyOperationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<KeyAction | undefined>(
      KEY_ACTION_METADATA,
      context.getHandler(),
    );
    if (action === undefined) return next.handle();
    return next.handle().pipe(
      tap({
        next: () => {
          privacyMetrics.keyOperations.inc({ action, outcome: 'granted', reason: 'none' });
        },
        error: (error: unknown) => {
          privacyMetrics.keyOperations.inc({ action, ...refusalOf(error) });
        },
      }),
    );
  }
}

function refusalOf(error: unknown): { outcome: string; reason: string } {
  if (error instanceof KeyServiceException) return { outcome: 'refused', reason: error.code };
  if (error instanceof HttpException && error.getStatus() < 500) {
    return { outcome: 'refused', reason: `http-${error.getStatus()}` };
  }
  return { outcome: 'error', reason: 'internal' };
}
