import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import {
  AuthenticateStorefront,
  unauthenticated,
} from '../application/authenticate-storefront.use-case';
import type { AuthenticatedRequest } from './current-storefront.decorator';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}

/** The key from `Authorization: Bearer <key>` or `X-Api-Key: <key>`; both must agree if both are sent. */
export function apiKeyOf(headers: AuthenticatedRequest['headers']): string | undefined {
  const authorization = single(headers.authorization);
  const bearer =
    authorization === undefined ? undefined : /^Bearer ([^\s]+)$/i.exec(authorization.trim())?.[1];
  if (authorization !== undefined && bearer === undefined) return undefined;
  const header = single(headers['x-api-key'])?.trim();
  if (bearer !== undefined && header !== undefined && bearer !== header) return undefined;
  return bearer ?? header;
}

/** Every storefront call carries its API key; a missing, unknown or revoked one is a 401. */
@Injectable()
export class StorefrontApiKeyGuard implements CanActivate {
  constructor(private readonly authenticate: AuthenticateStorefront) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = apiKeyOf(request.headers);
    if (key === undefined) throw unauthenticated();
    request.storefront = await this.authenticate.execute(key);
    return true;
  }
}
