import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** A request whose signature `ServiceSignatureGuard` verified. */
export type SignedRequest = FastifyRequest & { rawBody?: Buffer; lumenCaller?: string };

/** The service that signed the request; only set once the guard has verified it. */
export const CallerService = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const caller = context.switchToHttp().getRequest<SignedRequest>().lumenCaller;
    if (caller === undefined)
      throw new Error('CallerService used on a route without ServiceSignatureGuard');
    return caller;
  },
);
