import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Storefront } from '../application/storefront.repository';

/** A request `StorefrontApiKeyGuard` authenticated. */
export type AuthenticatedRequest = FastifyRequest & { storefront?: Storefront };

/** The storefront whose API key the request carried; only set once the guard verified it. */
export const CurrentStorefront = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Storefront => {
    const storefront = context.switchToHttp().getRequest<AuthenticatedRequest>().storefront;
    if (storefront === undefined)
      throw new Error('CurrentStorefront used on a route without StorefrontApiKeyGuard');
    return storefront;
  },
);
