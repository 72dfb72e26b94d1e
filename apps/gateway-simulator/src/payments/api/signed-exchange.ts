import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  GATEWAY_HEADERS,
  InMemoryReplayCache,
  MessageVerifier,
  requestTarget,
  signMessage,
} from '#lumen/payment-gateway';
import { GatewayAuthority } from '../../authority/application/gateway-authority';
import type { MerchantCaller } from '../application/merchant-caller';
import { SimulatorState } from '../application/simulator-state';
import type { Answer, Operation } from '../domain/payment-book';
import { SimulatorException, statusOf } from '../domain/simulator.exception';

export type RawRequest = FastifyRequest & { rawBody?: Buffer };

/**
 * One signed exchange with a merchant: verify the request on its raw bytes (refusals are
 * audited and change nothing), run the operation, and sign the answer over the exact bytes
 * sent, bound to the request's message id. The test switches for 5xx, slow answers and the
 * wrong answer key act here, where a real gateway's failures would.
 */
@Injectable()
export class SignedExchange {
  private readonly logger = new Logger(SignedExchange.name);
  private readonly verifier: MessageVerifier;

  constructor(
    private readonly authority: GatewayAuthority,
    private readonly state: SimulatorState,
  ) {
    this.verifier = new MessageVerifier({
      root: authority.root.pinned,
      acceptRole: 'merchant',
      revocations: authority,
      // Longer than the two 300 s skew windows a message id could be replayed in.
      replayCache: new InMemoryReplayCache({ ttlMs: 660_000, maxEntries: 200_000 }),
    });
  }

  async handle(
    name: Operation | 'lookup',
    request: RawRequest,
    reply: FastifyReply,
    operation: (caller: MerchantCaller, body: unknown) => Answer,
  ): Promise<void> {
    if (this.state.takeServerError()) {
      // What a failing gateway or its proxy sends: unsigned, nothing applied.
      await reply.status(503).type('application/json').send('{"code":"unavailable"}');
      return;
    }
    const raw = request.rawBody ?? Buffer.alloc(0);
    const headers = request.headers;
    const claimedId = headers[GATEWAY_HEADERS.messageId];
    const requestId = typeof claimedId === 'string' ? claimedId.slice(0, 100) : '';
    const check = this.verifier.verify({
      kind: 'request',
      target: requestTarget(request.method, request.url),
      body: raw,
      headers,
    });
    if (!check.ok) {
      this.state.refusals.push({
        at: new Date().toISOString(),
        path: request.url,
        reason: check.reason,
        claimedKeyId: check.claimedKeyId ?? null,
      });
      this.logger.warn(`refused a merchant request: ${check.reason}`);
      await this.answer(reply, requestId, {
        status: 401,
        body: { code: 'unauthenticated', reason: check.reason },
      });
      return;
    }
    let answer: Answer;
    try {
      const body: unknown = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
      answer = operation(
        { merchantId: check.subject, keyId: check.keyId, messageId: check.messageId },
        body,
      );
    } catch (error) {
      if (error instanceof SyntaxError) {
        answer = { status: 400, body: { code: 'invalid-request', message: 'body: not JSON' } };
      } else if (error instanceof SimulatorException) {
        answer = {
          status: statusOf(error.code),
          body: { code: error.code, message: error.message },
        };
      } else {
        throw error;
      }
    }
    const { answerDelayMs, delayOperations } = this.state.switches;
    if (answerDelayMs > 0 && (delayOperations.length === 0 || delayOperations.includes(name))) {
      await new Promise((resolve) => setTimeout(resolve, answerDelayMs));
    }
    await this.answer(reply, check.messageId, answer);
  }

  private async answer(reply: FastifyReply, requestId: string, answer: Answer): Promise<void> {
    const body = JSON.stringify(answer.body);
    const key =
      this.state.switches.answerKey === 'rogue'
        ? this.authority.rogueKey
        : this.authority.answerKey;
    const headers = signMessage(key, { kind: 'answer', target: requestId, body });
    await reply.status(answer.status).headers(headers).type('application/json').send(body);
  }
}
