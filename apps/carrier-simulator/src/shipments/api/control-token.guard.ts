import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  CARRIER_SIMULATOR_CONFIG,
  type CarrierSimulatorConfig,
} from '../../config/carrier-simulator.config';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * When `CARRIER_SIMULATOR_CONTROL_TOKEN` is set, the control endpoints need it as a Bearer
 * token (compared in constant time). Without it the simulator only listens on loopback, which
 * the config enforces.
 */
@Injectable()
export class ControlTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(CARRIER_SIMULATOR_CONFIG) config: CarrierSimulatorConfig) {
    this.expected = config.controlToken === undefined ? undefined : digest(config.controlToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header) : null;
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), this.expected)) return true;
    throw new UnauthorizedException({
      statusCode: 401,
      message: 'Simulator control needs the CARRIER_SIMULATOR_CONTROL_TOKEN as a Bearer token',
    });
  }
}
