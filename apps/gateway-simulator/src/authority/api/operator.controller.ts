import { Body, Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import type { GatewayCertificate, RevokedEntry } from '#lumen/payment-gateway';
import { EnrolMerchantKey } from '../application/enrol-merchant-key.use-case';
import { RevokeKey } from '../application/revoke-key.use-case';
import { OperatorTokenGuard } from './operator-token.guard';
import { SimulatorExceptionFilter } from './simulator-exception.filter';

/** The gateway operator's desk: certify a merchant key, revoke one. */
@Controller('operator')
@UseGuards(OperatorTokenGuard)
@UseFilters(SimulatorExceptionFilter)
export class OperatorController {
  constructor(
    private readonly enrol: EnrolMerchantKey,
    private readonly revoke: RevokeKey,
  ) {}

  @Post('enrolments')
  enrolKey(@Body() body: unknown): { certificate: GatewayCertificate } {
    return { certificate: this.enrol.execute(body) };
  }

  @Post('revocations')
  @HttpCode(200)
  revokeKey(@Body() body: unknown): { revoked: RevokedEntry[] } {
    return this.revoke.execute(body);
  }
}
