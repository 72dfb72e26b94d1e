import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InternalAccessPolicy } from './internal-access.policy';

/** Refuses internal endpoints to callers the configured policy does not let in (401). */
@Injectable()
export class InternalAccessGuard implements CanActivate {
  constructor(private readonly policy: InternalAccessPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    const refusal = this.policy.refusal(context.switchToHttp().getRequest<FastifyRequest>());
    if (refusal !== undefined) throw new UnauthorizedException(`Internal endpoint: ${refusal}`);
    return true;
  }
}
