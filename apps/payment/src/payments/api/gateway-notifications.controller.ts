import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayRefusalAudit } from '../application/gateway-refusal.audit';
import { RecordGatewayNotification } from '../application/record-gateway-notification.use-case';
import { GatewayTrust } from '../infrastructure/gateway-trust';

/**
 * The gateway's webhook. A notification is believed only if it verifies (signed by a
 * gateway certificate chained to the pinned root, unrevoked, fresh, never seen); refusals
 * are audited and change nothing. A duplicate is acknowledged and ignored.
 */
@Controller('gateway')
export class GatewayNotificationsController {
  constructor(
    private readonly trust: GatewayTrust,
    private readonly audit: GatewayRefusalAudit,
    private readonly record: RecordGatewayNotification,
  ) {}

  @Post('notifications')
  @HttpCode(204)
  async receive(
    @Req() request: FastifyRequest & { rawBody?: Buffer },
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const raw = request.rawBody ?? Buffer.alloc(0);
    const check = this.trust.notifications.verify({
      kind: 'notification',
      target: request.url.split('?')[0] ?? '',
      body: raw,
      headers: request.headers,
    });
    if (!check.ok) {
      await this.audit.record({
        direction: 'notification',
        reason: check.reason,
        claimedKeyId: check.claimedKeyId,
      });
      await reply
        .status(401)
        .send({ statusCode: 401, code: 'unauthenticated', reason: check.reason });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = undefined;
    }
    const outcome = await this.record.execute(body);
    await reply.status(outcome === 'invalid' ? 400 : 204).send();
  }
}
