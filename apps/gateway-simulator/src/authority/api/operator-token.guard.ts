import {
  Injectable,
  Logger,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayAuthority } from '../application/gateway-authority';

/** Operator endpoints (enrol, revoke, test switches) need `Authorization: Bearer <token>`. */
@Injectable()
export class OperatorTokenGuard implements CanActivate {
  private readonly logger = new Logger(OperatorTokenGuard.name);

  constructor(private readonly authority: GatewayAuthority) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
    if (token.length > 0 && this.authority.isOperator(token)) return true;
    this.logger.warn(
      `refused an operator call to ${request.method} ${request.routeOptions.url ?? ''}`,
    );
    throw new UnauthorizedException({
      statusCode: 401,
      code: 'unauthenticated',
      message: 'Operator endpoints need Authorization: Bearer <operator token>',
    });
  }
}
