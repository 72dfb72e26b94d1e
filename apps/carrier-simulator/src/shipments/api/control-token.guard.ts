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
import { ensureControlToken } from '../infrastructure/control-token.file';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * The control endpoints need a Bearer token (compared in constant time): the configured
 * `CARRIER_SIMULATOR_CONTROL_TOKEN`, else the one generated into `<CARRIER_KEYS_DIR>/control-token`.
 * Every internal endpoint demands an identity, on loopback too (the route walk proves it).
 */
@Injectable()
export class ControlTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(CARRIER_SIMULATOR_CONFIG) config: CarrierSimulatorConfig) {
    this.expected = digest(config.controlToken ?? ensureControlToken(config.keysDir));
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header) : null;
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), this.expected)) return true;
    throw new UnauthorizedException({
      statusCode: 401,
      message:
        'Simulator control needs a Bearer token: CARRIER_SIMULATOR_CONTROL_TOKEN, or the one in <CARRIER_KEYS_DIR>/control-token',
    });
  }
}
