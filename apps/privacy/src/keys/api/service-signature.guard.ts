import {
  Injectable,
  Logger,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isDataKeyId, KeyRing, verifyServiceRequest } from '#lumen/crypto';
import { KeyAuditLog, type KeyAction } from '../application/key-audit.log';
import type { SignedRequest } from './caller-service.decorator';
import { KEY_ACTION_METADATA } from './key-action.decorator';

/** What an unverified request claims to be, made safe to store: a service-like name or nothing. */
function claimed(service: string | undefined): string {
  return service !== undefined && /^[a-z][a-z0-9-]{0,39}$/.test(service) ? service : 'unknown';
}

/**
 * Every key service call is signed by the calling service's Ed25519 key (see
 * `signServiceRequest` in #lumen/crypto): method, path, timestamp and body hash. Anything
 * else is a 401, recorded in the audit trail with what the request claimed to be.
 */
@Injectable()
export class ServiceSignatureGuard implements CanActivate {
  private readonly logger = new Logger(ServiceSignatureGuard.name);

  constructor(
    private readonly keyRing: KeyRing,
    private readonly audit: KeyAuditLog,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SignedRequest>();
    const check = verifyServiceRequest(this.keyRing, {
      method: request.method,
      path: request.url,
      body: request.rawBody ?? '',
      headers: request.headers,
    });
    if (check.ok) {
      request.lumenCaller = check.service;
      return true;
    }
    const action =
      this.reflector.get<KeyAction | undefined>(KEY_ACTION_METADATA, context.getHandler()) ?? 'get';
    const { keyId } = (request.params ?? {}) as { keyId?: string };
    const entry = {
      caller: claimed(check.claimedService),
      callerVerified: false,
      keyId: keyId !== undefined && isDataKeyId(keyId) ? keyId : null,
      action,
      outcome: 'refused' as const,
      reason: check.reason,
    };
    await this.audit.record(entry);
    this.logger.warn('unauthenticated key service call', { ...entry });
    throw new UnauthorizedException({
      statusCode: 401,
      code: 'unauthenticated',
      message: `Sign every call with your service key (lumen-* headers); refused: ${check.reason}`,
    });
  }
}
