import { Controller, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  CARRIER_HEADERS,
  CarrierMessageVerifier,
  verifyTrackingCallback,
  type CarrierRefusalReason,
} from '#lumen/carrier';
import { ApplyTrackingEvent } from '../application/apply-tracking-event.use-case';
import type { TrackingResult } from '../application/tracking-progress';
import { FulfilmentErrorCode, FulfilmentException } from '../domain/fulfilment.exception';

/** The verifier of carrier → merchant callbacks, with its own replay cache. */
export const TRACKING_CALLBACK_VERIFIER = Symbol('TRACKING_CALLBACK_VERIFIER');

function refusalCode(reason: CarrierRefusalReason | 'invalid-event'): FulfilmentErrorCode {
  switch (reason) {
    case 'replayed':
      return FulfilmentErrorCode.CallbackReplayed;
    case 'replay-cache-full':
      return FulfilmentErrorCode.CallbackOverloaded;
    case 'invalid-event':
      return FulfilmentErrorCode.InvalidTrackingEvent;
    case 'missing-header':
    case 'malformed-header':
    case 'stale-timestamp':
    case 'unknown-key':
    case 'wrong-signer':
    case 'bad-signature':
      return FulfilmentErrorCode.CallbackUnauthenticated;
  }
}

const REFUSAL_MESSAGES: Readonly<Record<FulfilmentErrorCode, string>> = {
  [FulfilmentErrorCode.CallbackUnauthenticated]:
    'Sign tracking callbacks with the carrier key the merchant trusts',
  [FulfilmentErrorCode.CallbackReplayed]: 'This callback message was received before',
  [FulfilmentErrorCode.CallbackOverloaded]: 'Too many callbacks right now; send it again shortly',
  [FulfilmentErrorCode.InvalidTrackingEvent]: 'The body is not a tracking event (v1)',
  [FulfilmentErrorCode.UnknownShipment]: 'No shipment has this shipment reference',
  [FulfilmentErrorCode.ShipmentNotReady]: 'Send the event again shortly',
  [FulfilmentErrorCode.TrackingConflict]: 'The event contradicts the shipment',
  [FulfilmentErrorCode.IllegalTransition]: 'The event contradicts the shipment',
};

/**
 * Tracking callbacks from the carrier (`POST /carrier/v1/tracking-events`): the signature is
 * checked on the raw bytes first (carrier key, freshness, replay), then the body against the
 * strict tracking-event schema, and only then is anything applied. A refused callback is
 * answered 401 (signature), 409 (replay) or 400 (not an event) and changes nothing.
 */
@Controller('carrier/v1')
export class TrackingCallbacksController {
  private readonly logger = new Logger(TrackingCallbacksController.name);

  constructor(
    @Inject(TRACKING_CALLBACK_VERIFIER) private readonly verifier: CarrierMessageVerifier,
    private readonly applyTrackingEvent: ApplyTrackingEvent,
  ) {}

  @Post('tracking-events')
  @HttpCode(200)
  async receive(
    @Req() request: FastifyRequest,
  ): Promise<{ status: 'accepted'; result: TrackingResult }> {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const check = verifyTrackingCallback(this.verifier, {
      path: request.url,
      body,
      headers: request.headers,
    });
    if (!check.ok) {
      // The claimed key id is the sender's word, not verified: logged to trace a misconfiguration.
      this.logger.warn('tracking callback refused', {
        reason: check.reason,
        claimedKeyId: check.claimedKeyId,
      });
      const code = refusalCode(check.reason);
      throw new FulfilmentException(code, REFUSAL_MESSAGES[code]);
    }
    // Verified with the signature: a single, well-formed header.
    const keyId = request.headers[CARRIER_HEADERS.keyId];
    const result = await this.applyTrackingEvent.execute({
      keyId: typeof keyId === 'string' ? keyId : '',
      messageId: check.messageId,
      event: check.event,
    });
    return { status: 'accepted', result };
  }
}
