import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CARRIER_HEADERS,
  signCarrierMessage,
  type CarrierSignedHeaders,
  type TrackingEventV1,
} from '#lumen/carrier';
import type { EventSigner } from '#lumen/crypto';
import {
  CARRIER_SIMULATOR_CONFIG,
  type CarrierSimulatorConfig,
} from '../../config/carrier-simulator.config';
import { SimulatorState, type CallbackDelivery } from '../application/simulator-state';
import { TrackingCallbackSender } from '../application/tracking-callback.sender';
import { CarrierSimulatorKeys } from './carrier-simulator.keys';

/** Statuses after which a carrier tries again: the merchant may take it later. */
function worthRetrying(status: number | null): boolean {
  return status === null || status >= 500 || status === 408 || status === 429;
}

/**
 * POSTs tracking events to the merchant's callback URL, signed over the raw body (kind
 * `callback`, target = the URL's path and query). Each attempt is a new signed message with
 * the same event id; 5xx, 408, 429 and no answer are retried with backoff, any other answer
 * ends the delivery. The duplicate and wrong-key switches act here.
 */
@Injectable()
export class HttpTrackingCallbackSender extends TrackingCallbackSender {
  private readonly logger = new Logger(HttpTrackingCallbackSender.name);
  private readonly url: URL;

  constructor(
    @Inject(CARRIER_SIMULATOR_CONFIG) private readonly config: CarrierSimulatorConfig,
    private readonly keys: CarrierSimulatorKeys,
    private readonly state: SimulatorState,
  ) {
    super();
    this.url = new URL(config.callbackUrl);
  }

  override async deliver(event: TrackingEventV1, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(event);
    for (let attempt = 1; attempt <= this.config.callbackAttempts; attempt++) {
      if (signal.aborted) return;
      const signedWith = this.state.switches.callbackKey;
      const headers = this.sign(signedWith, body);
      const status = await this.post(
        event,
        body,
        headers,
        { attempt, copy: 'original', signedWith },
        signal,
      );
      if (!worthRetrying(status)) {
        if (status !== null && status < 300) await this.duplicate(event, body, headers, signal);
        return;
      }
      if (attempt < this.config.callbackAttempts) {
        await sleep(Math.min(200 * 2 ** (attempt - 1), 10_000), signal);
      }
    }
    this.logger.warn(
      `gave up delivering ${event.status} for a shipment after ${this.config.callbackAttempts} attempts`,
    );
  }

  private async duplicate(
    event: TrackingEventV1,
    body: string,
    headers: CarrierSignedHeaders,
    signal: AbortSignal,
  ): Promise<void> {
    const mode = this.state.switches.duplicateCallbacks;
    switch (mode) {
      case 'off':
        return;
      case 'resend': {
        const signedWith = this.state.switches.callbackKey;
        await this.post(
          event,
          body,
          this.sign(signedWith, body),
          { attempt: 1, copy: 'resend', signedWith },
          signal,
        );
        return;
      }
      case 'replay':
        await this.post(
          event,
          body,
          headers,
          { attempt: 1, copy: 'replay', signedWith: this.state.switches.callbackKey },
          signal,
        );
        return;
    }
  }

  private sign(signedWith: CallbackDelivery['signedWith'], body: string): CarrierSignedHeaders {
    return signCarrierMessage(this.signerFor(signedWith), {
      kind: 'callback',
      target: this.url.pathname + this.url.search,
      body,
    });
  }

  private signerFor(signedWith: CallbackDelivery['signedWith']): EventSigner {
    switch (signedWith) {
      case 'carrier':
        return this.keys.signer;
      case 'unknown':
        return this.keys.unknownSigner;
      case 'forged':
        return this.keys.forgedSigner;
    }
  }

  /** One POST; records it and returns the merchant's status, or null for no answer. */
  private async post(
    event: TrackingEventV1,
    body: string,
    headers: CarrierSignedHeaders,
    how: Pick<CallbackDelivery, 'attempt' | 'copy' | 'signedWith'>,
    signal: AbortSignal,
  ): Promise<number | null> {
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.config.callbackTimeoutMs)]),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch (caught) {
      error = caught instanceof Error ? caught.message : 'request failed';
    }
    this.state.recordCallback({
      at: new Date().toISOString(),
      eventId: event.eventId,
      shipmentReference: event.shipmentReference,
      status: event.status,
      messageId: headers[CARRIER_HEADERS.messageId] ?? '',
      ...how,
      responseStatus: status,
      error,
    });
    return status;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
