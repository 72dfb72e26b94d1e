import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { GatewayWireClient, GatewayWireError, type GatewayAnswer } from '#lumen/payment-gateway';
import { GatewayRefusalAudit } from '../application/gateway-refusal.audit';
import {
  GatewayFailure,
  PaymentGateway,
  type AuthorisationStanding,
  type AuthoriseRequest,
  type AuthoriseResult,
  type CaptureRequest,
  type CaptureResult,
  type RefundRequest,
  type VoidRequest,
} from '../application/payment-gateway.port';

const authorisationAnswer = z.object({
  authorisationId: z.string().min(1),
  status: z.enum(['authorised', 'declined', 'captured', 'voided']),
  declineCode: z.enum(['do-not-honour', 'insufficient-funds', 'invalid-card-token']).nullable(),
  captureId: z.string().min(1).nullable(),
});

/**
 * The gateway simulator over the signed wire format (`#lumen/payment-gateway`): every request
 * signed with the merchant's certified key, every answer verified against the pinned root
 * before a byte of it is believed.
 */
@Injectable()
export class SimulatorGatewayAdapter extends PaymentGateway {
  constructor(
    private readonly wire: GatewayWireClient,
    private readonly audit: GatewayRefusalAudit,
  ) {
    super();
  }

  override async authorise(request: AuthoriseRequest): Promise<AuthoriseResult> {
    const answer = await this.send('POST', '/v1/authorisations', {
      merchantReference: request.orderId,
      idempotencyKey: request.idempotencyKey,
      amountMinor: request.amountMinor,
      currency: request.currency,
      cardToken: request.cardToken,
    });
    const body = this.parse(answer, 201);
    if (body.status === 'declined') {
      return {
        outcome: 'declined',
        reason: body.declineCode === 'insufficient-funds' ? 'insufficient-funds' : 'declined',
      };
    }
    return { outcome: 'authorised', authorisationId: body.authorisationId };
  }

  override async capture(request: CaptureRequest): Promise<CaptureResult> {
    const answer = await this.send(
      'POST',
      `/v1/authorisations/${encodeURIComponent(request.authorisationId)}/capture`,
      { idempotencyKey: request.idempotencyKey, amountMinor: request.amountMinor },
    );
    const body = this.parse(answer, 201);
    if (body.status !== 'captured' || body.captureId === null) {
      throw new GatewayFailure('rejected', `capture answered ${body.status}`);
    }
    return { captureId: body.captureId };
  }

  override async void(request: VoidRequest): Promise<void> {
    const answer = await this.send(
      'POST',
      `/v1/authorisations/${encodeURIComponent(request.authorisationId)}/void`,
      { idempotencyKey: request.idempotencyKey },
    );
    this.parse(answer, 200);
  }

  override async refund(request: RefundRequest): Promise<void> {
    const answer = await this.send(
      'POST',
      `/v1/captures/${encodeURIComponent(request.captureId)}/refunds`,
      { idempotencyKey: request.idempotencyKey, amountMinor: request.amountMinor },
    );
    this.parse(answer, 201);
  }

  override async lookUp(authorisationId: string): Promise<AuthorisationStanding> {
    const answer = await this.send(
      'GET',
      `/v1/authorisations/${encodeURIComponent(authorisationId)}`,
      undefined,
    );
    const body = this.parse(answer, 200);
    return { status: body.status, captureId: body.captureId };
  }

  private async send(method: string, path: string, body: unknown): Promise<GatewayAnswer> {
    try {
      return await this.wire.send(method, path, body);
    } catch (error) {
      if (!(error instanceof GatewayWireError)) throw error;
      if (error.code === 'unverified-answer') {
        await this.audit.record({
          direction: 'answer',
          reason: error.refusal ?? 'malformed',
          claimedKeyId: error.claimedKeyId,
        });
        throw new GatewayFailure('unverified', error.message);
      }
      throw new GatewayFailure('unavailable', error.message);
    }
  }

  private parse(answer: GatewayAnswer, expected: number): z.infer<typeof authorisationAnswer> {
    if (answer.status !== expected) {
      const code = (answer.body as { code?: unknown } | undefined)?.code;
      throw new GatewayFailure(
        'rejected',
        `gateway answered ${answer.status}${typeof code === 'string' ? ` (${code})` : ''}`,
      );
    }
    const parsed = authorisationAnswer.safeParse(answer.body);
    if (!parsed.success)
      throw new GatewayFailure('rejected', 'gateway answer has an unexpected shape');
    return parsed.data;
  }
}
