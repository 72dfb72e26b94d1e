import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { tap, type Observable } from 'rxjs';
import { CheckoutException } from '../orders/domain/checkout.exception';
import { checkoutMetrics } from './checkout.metrics';

/**
 * Counts order requests as the storefront saw them: accepted, replayed (same idempotency key,
 * same answer) or refused with the error code. Anything else thrown is counted as `internal`.
 */
@Injectable()
export class OrderOutcomeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      tap({
        next: () => {
          const replayed = reply.getHeader('Idempotent-Replayed') === 'true';
          checkoutMetrics.orderRequests.inc({
            outcome: replayed ? 'replayed' : 'accepted',
            reason: 'none',
          });
        },
        error: (error: unknown) => {
          checkoutMetrics.orderRequests.inc({
            outcome: 'refused',
            reason: error instanceof CheckoutException ? error.code : 'internal',
          });
        },
      }),
    );
  }
}
