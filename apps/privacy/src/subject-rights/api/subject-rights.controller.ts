import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ReadSubjectLink } from '../application/read-subject-link.use-case';
import { ReceiptSigner } from '../application/receipt-signer';
import { StartSubjectRequest } from '../application/start-subject-request.use-case';
import { VerifySubjectIdentity } from '../application/verify-subject-identity.use-case';
import { IDENTITY_CHECK } from '../domain/subject-request';
import { SubjectRightsErrorCode, SubjectRightsException } from '../domain/subject-rights.exception';
import {
  linkTokenSchema,
  parseInput,
  requestIdSchema,
  startRequestBodySchema,
  verifyRequestBodySchema,
} from './subject-request.dto';
import { SubjectRightsExceptionFilter } from './subject-rights-exception.filter';

/**
 * The customer's side of the privacy API: ask (access or erasure), prove who you are with the
 * code sent to the e-mail on file, then follow the link to the package or the erasure receipt.
 */
@Controller('privacy')
@UseFilters(SubjectRightsExceptionFilter)
export class SubjectRightsController {
  constructor(
    private readonly start: StartSubjectRequest,
    private readonly verify: VerifySubjectIdentity,
    private readonly readLink: ReadSubjectLink,
    private readonly signer: ReceiptSigner,
  ) {}

  @Post('requests')
  @HttpCode(202)
  async startRequest(@Body() body: unknown) {
    const input = parseInput(startRequestBodySchema, body, 'body');
    const started = await this.start.execute(input);
    return {
      requestId: started.requestId,
      status: started.status,
      // The same words whether or not anything matched: this endpoint reveals no customer.
      message:
        'If the customer id and e-mail match our records, a 6-digit code is on its way to that e-mail. ' +
        `Send it to /privacy/requests/${started.requestId}/verification within ${IDENTITY_CHECK.codeTtlMs / 60_000} minutes.`,
      codeExpiresAt: started.codeExpiresAt.toISOString(),
    };
  }

  @Post('requests/:requestId/verification')
  @HttpCode(200)
  async verifyIdentity(
    @Param('requestId') requestId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const id = parseInput(requestIdSchema, requestId, 'requestId');
    const { code } = parseInput(verifyRequestBodySchema, body, 'body');
    const verified = await this.verify.execute({ requestId: id, code });
    void reply.header('cache-control', 'no-store');
    return {
      requestId: verified.requestId,
      kind: verified.kind,
      status: verified.status,
      dueOn: verified.dueOn,
      link: verified.link,
      linkExpiresAt: verified.linkExpiresAt.toISOString(),
    };
  }

  @Get('links/:token')
  async followLink(
    @Param('token') token: string,
    @Query('format') format: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!linkTokenSchema.safeParse(token).success) {
      throw new SubjectRightsException(
        SubjectRightsErrorCode.LinkNotFound,
        'This link is not valid',
      );
    }
    if (format !== undefined && format !== 'json' && format !== 'html') {
      throw new SubjectRightsException(
        SubjectRightsErrorCode.InvalidRequest,
        'format: expected json or html',
      );
    }
    const content = await this.readLink.execute(token, format ?? 'json');
    void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    switch (content.kind) {
      case 'pending':
        await reply.status(202).send(content);
        return;
      case 'package-json':
        await reply.status(200).type('application/json; charset=utf-8').send(content.body);
        return;
      case 'package-html':
        await reply
          .status(200)
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .type('text/html; charset=utf-8')
          .send(content.body);
        return;
      case 'receipt':
        await reply.status(200).send(content);
        return;
    }
  }

  /** The public key that verifies erasure receipts (Ed25519, SPKI PEM). */
  @Get('receipt-signing-key')
  receiptSigningKey() {
    return { service: 'privacy', keyId: this.signer.keyId, publicKeyPem: this.signer.publicKeyPem };
  }
}
