import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuthorisePayment } from '../application/authorise-payment.use-case';
import { CapturePayment } from '../application/capture-payment.use-case';
import { LookUpAuthorisation } from '../application/look-up-authorisation.use-case';
import { RefundCapture } from '../application/refund-capture.use-case';
import { VoidAuthorisation } from '../application/void-authorisation.use-case';
import { SignedExchange, type RawRequest } from './signed-exchange';

/** The merchant-facing API: every request and every answer signed (see SignedExchange). */
@Controller('v1')
export class MerchantApiController {
  constructor(
    private readonly exchange: SignedExchange,
    private readonly authorise: AuthorisePayment,
    private readonly capture: CapturePayment,
    private readonly voidAuthorisation: VoidAuthorisation,
    private readonly refund: RefundCapture,
    private readonly lookup: LookUpAuthorisation,
  ) {}

  @Post('authorisations')
  authorisePayment(@Req() request: RawRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.exchange.handle('authorise', request, reply, (caller, body) =>
      this.authorise.execute(caller, body),
    );
  }

  /** The merchant's reconciliation: where does this authorisation stand? */
  @Get('authorisations/:id')
  lookupAuthorisation(
    @Param('id') id: string,
    @Req() request: RawRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.exchange.handle('lookup', request, reply, (caller) =>
      this.lookup.execute(caller, id),
    );
  }

  @Post('authorisations/:id/capture')
  capturePayment(
    @Param('id') id: string,
    @Req() request: RawRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.exchange.handle('capture', request, reply, (caller, body) =>
      this.capture.execute(caller, id, body),
    );
  }

  @Post('authorisations/:id/void')
  voidPayment(
    @Param('id') id: string,
    @Req() request: RawRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.exchange.handle('void', request, reply, (caller, body) =>
      this.voidAuthorisation.execute(caller, id, body),
    );
  }

  @Post('captures/:id/refunds')
  refundCapture(
    @Param('id') id: string,
    @Req() request: RawRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.exchange.handle('refund', request, reply, (caller, body) =>
      this.refund.execute(caller, id, body),
    );
  }
}
