import { Controller, Get, HttpCode, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CARRIER_HEADERS,
  carrierRequestTarget,
  CarrierMessageVerifier,
  carrierShipmentV1Schema,
  InMemoryCarrierReplayCache,
  signCarrierMessage,
  type CarrierAnswerV1,
  type CarrierShipmentV1,
  type ShipmentTrackingV1,
} from '#lumen/carrier';
import { AcceptShipment } from '../application/accept-shipment.use-case';
import { SimulatorState, type ReceivedOutcome } from '../application/simulator-state';
import type { HandoverDecision } from '../domain/shipment-book';
import { CarrierSimulatorKeys } from '../infrastructure/carrier-simulator.keys';
import { HungRequests } from './hung-requests';

type RawRequest = FastifyRequest & { rawBody?: Buffer };

interface Answer {
  readonly status: number;
  readonly body: CarrierAnswerV1 | ShipmentTrackingV1;
}

const MESSAGE_ID = /^[A-Za-z0-9_-]{8,100}$/;

function answerOf(decision: HandoverDecision): Answer {
  switch (decision.kind) {
    case 'created':
    case 'existing':
      return {
        status: decision.kind === 'created' ? 201 : 200,
        body: {
          status: 'accepted',
          shipmentReference: decision.shipment.shipmentReference,
          carrierShipmentId: decision.shipment.carrierShipmentId,
          acceptedAt: decision.shipment.acceptedAt.toISOString(),
        },
      };
    case 'refused':
      return { status: 422, body: { status: 'refused', ...decision.refusal } };
    case 'conflict':
      return {
        status: 409,
        body: {
          status: 'error',
          code: 'idempotency-conflict',
          message: 'This idempotency key was used for a different shipment',
        },
      };
  }
}

/**
 * The carrier's shipment endpoint, as a real carrier's would behave: every request verified
 * on its raw bytes against the merchant's trusted key (with replay protection), the payload
 * checked against the strict schema, and every answer signed over the exact bytes sent and
 * bound to the request's message id. Each request is journaled exactly as it arrived.
 */
@Controller('v1')
export class ShipmentsController {
  private readonly logger = new Logger(ShipmentsController.name);
  private readonly verifier: CarrierMessageVerifier;

  constructor(
    private readonly state: SimulatorState,
    private readonly acceptShipment: AcceptShipment,
    private readonly keys: CarrierSimulatorKeys,
    private readonly hung: HungRequests,
  ) {
    this.verifier = new CarrierMessageVerifier({
      keyRing: keys.merchantKeys,
      signer: 'merchant',
      // Longer than the two 300 s skew windows a message id could be replayed in.
      replayCache: new InMemoryCarrierReplayCache({ ttlMs: 660_000, maxEntries: 200_000 }),
    });
  }

  @Post('shipments')
  @HttpCode(200)
  async create(@Req() request: RawRequest, @Res() reply: FastifyReply): Promise<void> {
    const raw = request.rawBody ?? Buffer.alloc(0);
    const claimedId = request.headers[CARRIER_HEADERS.messageId];
    const journal = (
      outcome: ReceivedOutcome,
      detail: string | null,
      verified: { messageId: string; keyId: string } | null,
    ): void => {
      const keyId = request.headers[CARRIER_HEADERS.keyId];
      this.state.recordReceived({
        at: new Date().toISOString(),
        path: request.url,
        body: raw.toString('utf8'),
        messageId:
          verified?.messageId ?? (typeof claimedId === 'string' ? claimedId.slice(0, 100) : null),
        keyId: verified?.keyId ?? (typeof keyId === 'string' ? keyId.slice(0, 100) : null),
        verified: verified !== null,
        outcome,
        detail,
      });
    };

    if (this.state.takeFailure()) {
      // What a failing carrier or its proxy sends: unsigned, nothing looked at or applied.
      journal('unavailable', 'failNext switch', null);
      await reply
        .status(503)
        .type('application/json')
        .send('{"status":"error","code":"unavailable"}');
      return;
    }

    const check = this.verifier.verify({
      kind: 'request',
      target: carrierRequestTarget(request.method, request.url),
      body: raw,
      headers: request.headers,
    });
    if (!check.ok) {
      journal('unauthenticated', check.reason, null);
      this.logger.warn(`refused a shipment request: ${check.reason}`);
      const replyTo = typeof claimedId === 'string' && MESSAGE_ID.test(claimedId) ? claimedId : '';
      await this.answer(reply, replyTo, {
        status: 401,
        body: {
          status: 'error',
          code: 'unauthenticated',
          message: `Sign requests with the merchant key the carrier trusts; refused: ${check.reason}`,
        },
      });
      return;
    }
    const verified = { messageId: check.messageId, keyId: check.keyId };

    const hang = this.state.takeHang();
    if (hang && !this.state.switches.hangAfterAccepting) {
      journal('hung', 'hangNext switch, before accepting', verified);
      await this.holdThenCut(request);
      return;
    }

    const payload = parsePayload(raw);
    if (!payload.ok) {
      journal('invalid', payload.problem, verified);
      await this.answer(reply, check.messageId, {
        status: 400,
        body: { status: 'error', code: 'invalid-shipment', message: payload.problem },
      });
      return;
    }

    const decision = this.acceptShipment.execute(payload.shipment);
    if (hang) {
      journal('hung', `hangNext switch, after accepting (${decision.kind})`, verified);
      await this.holdThenCut(request);
      return;
    }
    journal(decision.kind, decision.kind === 'refused' ? decision.refusal.code : null, verified);
    await this.answer(reply, check.messageId, answerOf(decision));
  }

  /** A shipment's tracking events so far: what a merchant reconciles lost callbacks with. */
  @Get('shipments/:carrierShipmentId')
  async track(
    @Param('carrierShipmentId') carrierShipmentId: string,
    @Req() request: RawRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const check = this.verifier.verify({
      kind: 'request',
      target: carrierRequestTarget(request.method, request.url),
      body: request.rawBody ?? Buffer.alloc(0),
      headers: request.headers,
    });
    if (!check.ok) {
      this.logger.warn(`refused a tracking request: ${check.reason}`);
      const claimedId = request.headers[CARRIER_HEADERS.messageId];
      await this.answer(
        reply,
        typeof claimedId === 'string' && MESSAGE_ID.test(claimedId) ? claimedId : '',
        {
          status: 401,
          body: {
            status: 'error',
            code: 'unauthenticated',
            message: `Sign requests with the merchant key the carrier trusts; refused: ${check.reason}`,
          },
        },
      );
      return;
    }
    const tracking = this.state.book.tracking(carrierShipmentId);
    if (!tracking) {
      await this.answer(reply, check.messageId, {
        status: 404,
        body: { status: 'error', code: 'unknown-shipment', message: 'No shipment with this id' },
      });
      return;
    }
    await this.answer(reply, check.messageId, {
      status: 200,
      body: {
        status: 'tracking',
        shipmentReference: tracking.shipment.shipmentReference,
        carrierShipmentId: tracking.shipment.carrierShipmentId,
        events: [...tracking.events],
      },
    });
  }

  private async holdThenCut(request: RawRequest): Promise<void> {
    await this.hung.hold();
    request.raw.socket.destroy();
  }

  private async answer(reply: FastifyReply, requestId: string, answer: Answer): Promise<void> {
    const body = JSON.stringify(answer.body);
    const headers = signCarrierMessage(this.keys.signer, {
      kind: 'answer',
      target: requestId,
      body,
    });
    await reply.status(answer.status).headers(headers).type('application/json').send(body);
  }
}

function parsePayload(
  raw: Buffer,
): { ok: true; shipment: CarrierShipmentV1 } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, problem: 'body: expected a JSON shipment' };
  }
  const result = carrierShipmentV1Schema.safeParse(json);
  if (result.success) return { ok: true, shipment: result.data };
  return {
    ok: false,
    problem: result.error.issues
      .slice(0, 10)
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
      .join('; ')
      .slice(0, 500),
  };
}
