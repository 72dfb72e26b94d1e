import type { EventSigner } from '#lumen/crypto';
import type { z } from 'zod';
import {
  carrierAnswerV1Schema,
  carrierErrorAnswerV1Schema,
  CARRIER_SHIPMENTS_PATH,
  carrierShipmentIdSchema,
  type CarrierAnswerV1,
} from './carrier-answer.schema';
import { CARRIER_HEADERS, carrierRequestTarget, signCarrierMessage } from './carrier-message';
import type { CarrierMessageVerifier, CarrierRefusalReason } from './carrier-message.verifier';
import { validateCarrierShipment } from './build-carrier-shipment';
import type { CarrierShipmentV1 } from './carrier-shipment.schema';
import { shipmentTrackingV1Schema, type TrackingEventV1 } from './tracking-event.schema';

export type CarrierWireErrorCode =
  /** No answer in time: the shipment may or may not have been created. */
  | 'timeout'
  /** Connection refused or reset before an answer. */
  | 'unreachable'
  /** A 5xx, 408 or 429: the carrier could not take it now; the body is not trusted. */
  | 'carrier-unavailable'
  /** An answer that failed verification: treated as no answer at all. */
  | 'unverified-answer'
  /** A verified answer that says our request was wrong (4xx other than a refusal). */
  | 'request-rejected'
  /** A verified answer that does not fit the request (another shipment, an unknown shape). */
  | 'unexpected-answer';

export class CarrierWireError extends Error {
  constructor(
    readonly code: CarrierWireErrorCode,
    message: string,
    readonly detail?: {
      readonly refusal?: CarrierRefusalReason;
      readonly status?: number;
      readonly carrierCode?: string;
    },
  ) {
    super(message);
    this.name = 'CarrierWireError';
  }

  /**
   * Whether sending the same shipment again (same idempotency key) may help. None of these
   * errors means the carrier refused the shipment: only a `refused` outcome does.
   */
  get retryable(): boolean {
    switch (this.code) {
      case 'timeout':
      case 'unreachable':
      case 'carrier-unavailable':
        return true;
      case 'unverified-answer':
      case 'request-rejected':
      case 'unexpected-answer':
        return false;
    }
  }
}

/** What the carrier said about a shipment; both are verified, signed answers. */
export type ShipmentHandover =
  | {
      readonly outcome: 'accepted';
      readonly shipmentReference: string;
      readonly carrierShipmentId: string;
      readonly acceptedAt: Date;
      /** False when the carrier had this idempotency key already (an earlier attempt got through). */
      readonly created: boolean;
      readonly attempts: number;
    }
  | {
      /** For good: the carrier will not take this shipment. The merchant compensates. */
      readonly outcome: 'refused';
      readonly shipmentReference: string;
      readonly code: string;
      readonly reason: string;
      readonly attempts: number;
    };

/** A shipment's tracking events so far, oldest first, as the carrier reports them. */
export interface ShipmentTracking {
  readonly shipmentReference: string;
  readonly carrierShipmentId: string;
  readonly events: readonly TrackingEventV1[];
}

export interface CarrierRetryPolicy {
  /** Attempts in all, the first included; 1 turns retrying off. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface CarrierClientOptions {
  readonly baseUrl: string;
  /** The merchant's signing key; a function, so a rotated key is picked up at once. */
  readonly signer: () => EventSigner;
  /** Verifies answers: the carrier's key ring, signer service name and a replay cache. */
  readonly verifier: CarrierMessageVerifier;
  readonly timeoutMs?: number;
  readonly retry?: CarrierRetryPolicy;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_RETRY: CarrierRetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * The merchant side of the carrier wire. It validates the payload against the allow-list
 * right before it leaves, signs the raw bytes with the merchant key, and trusts an answer only
 * once it verifies as the carrier's answer to *that* request. Transient failures are retried
 * with the same body and so the same idempotency key; each attempt is a new signed message.
 */
export class CarrierClient {
  private readonly retry: CarrierRetryPolicy;

  constructor(private readonly options: CarrierClientOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    if (!Number.isInteger(this.retry.attempts) || this.retry.attempts < 1) {
      throw new Error('retry.attempts must be a whole number of at least 1');
    }
  }

  async createShipment(shipment: CarrierShipmentV1): Promise<ShipmentHandover> {
    const payload = validateCarrierShipment(shipment);
    const body = JSON.stringify(payload);
    return this.withRetries(async (attempt) => {
      const { status, bytes } = await this.exchange('POST', CARRIER_SHIPMENTS_PATH, body);
      const answer = parseWith(carrierAnswerV1Schema, bytes);
      if (!answer) throw unknownShape('POST', CARRIER_SHIPMENTS_PATH, status);
      return this.outcomeOf(payload, status, answer, attempt);
    });
  }

  /**
   * The carrier's tracking events for a shipment so far, for reconciling when callbacks were
   * lost: the same events (same event ids) the callbacks carry, so applying them goes through
   * the same deduplication.
   */
  async trackShipment(carrierShipmentId: string): Promise<ShipmentTracking> {
    const id = carrierShipmentIdSchema.parse(carrierShipmentId);
    const path = `${CARRIER_SHIPMENTS_PATH}/${id}`;
    return this.withRetries(async () => {
      const { status, bytes } = await this.exchange('GET', path, '');
      if (status === 200) {
        const tracking = parseWith(shipmentTrackingV1Schema, bytes);
        if (!tracking || tracking.carrierShipmentId !== id) throw unknownShape('GET', path, status);
        return {
          shipmentReference: tracking.shipmentReference,
          carrierShipmentId: tracking.carrierShipmentId,
          events: tracking.events,
        };
      }
      const error = parseWith(carrierErrorAnswerV1Schema, bytes);
      if (!error || status < 400) throw unknownShape('GET', path, status);
      throw new CarrierWireError(
        'request-rejected',
        `GET ${path}: carrier rejected the request (${status} ${error.code}: ${error.message})`,
        { status, carrierCode: error.code },
      );
    });
  }

  private async withRetries<T>(operation: (attempt: number) => Promise<T>): Promise<T> {
    let lastError: CarrierWireError | undefined;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      if (attempt > 1) await this.pause(attempt);
      try {
        return await operation(attempt);
      } catch (error) {
        if (!(error instanceof CarrierWireError) || !error.retryable) throw error;
        lastError = error;
      }
    }
    throw lastError ?? new CarrierWireError('unreachable', 'no attempt made');
  }

  /**
   * One signed request and its verified answer: the status and the raw answer bytes, which
   * are the carrier's (signed by its key, bound to this request's message id) or an error.
   */
  private async exchange(
    method: 'GET' | 'POST',
    path: string,
    body: string,
  ): Promise<{ status: number; bytes: Buffer }> {
    const headers = signCarrierMessage(this.options.signer(), {
      kind: 'request',
      target: carrierRequestTarget(method, path),
      body,
    });
    const requestId = headers[CARRIER_HEADERS.messageId] ?? '';
    let response: Response;
    let bytes: Buffer;
    const deadline = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    try {
      response = await (this.options.fetch ?? fetch)(new URL(path, this.options.baseUrl), {
        method,
        headers: body === '' ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === '' ? undefined : body,
        signal: deadline,
      });
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      // Asked of the signal, not the error: an abort error may come from another realm.
      const timedOut = deadline.aborted;
      throw new CarrierWireError(
        timedOut ? 'timeout' : 'unreachable',
        `${method} ${path}: ${timedOut ? 'no answer in time' : describe(error)}`,
      );
    }
    const { status } = response;
    if (status >= 500 || status === 408 || status === 429) {
      throw new CarrierWireError(
        'carrier-unavailable',
        `${method} ${path}: carrier answered ${status}`,
        {
          status,
        },
      );
    }
    const check = this.options.verifier.verify({
      kind: 'answer',
      target: requestId,
      body: bytes,
      headers: Object.fromEntries(response.headers),
    });
    if (!check.ok) {
      throw new CarrierWireError(
        'unverified-answer',
        `${method} ${path}: answer ${status} refused (${check.reason})`,
        { refusal: check.reason, status },
      );
    }
    return { status, bytes };
  }

  private outcomeOf(
    payload: CarrierShipmentV1,
    status: number,
    answer: CarrierAnswerV1,
    attempts: number,
  ): ShipmentHandover {
    const unexpected = (): CarrierWireError =>
      new CarrierWireError(
        'unexpected-answer',
        `POST ${CARRIER_SHIPMENTS_PATH}: answer ${status} (${answer.status}) does not fit the request`,
        { status },
      );
    switch (answer.status) {
      case 'accepted':
        if (
          (status !== 200 && status !== 201) ||
          answer.shipmentReference !== payload.shipmentReference
        ) {
          throw unexpected();
        }
        return {
          outcome: 'accepted',
          shipmentReference: answer.shipmentReference,
          carrierShipmentId: answer.carrierShipmentId,
          acceptedAt: new Date(answer.acceptedAt),
          created: status === 201,
          attempts,
        };
      case 'refused':
        if (status !== 422 || answer.shipmentReference !== payload.shipmentReference) {
          throw unexpected();
        }
        return {
          outcome: 'refused',
          shipmentReference: answer.shipmentReference,
          code: answer.code,
          reason: answer.reason,
          attempts,
        };
      case 'error':
        if (status < 400 || status >= 500) throw unexpected();
        throw new CarrierWireError(
          'request-rejected',
          `POST ${CARRIER_SHIPMENTS_PATH}: carrier rejected the request (${status} ${answer.code}: ${answer.message})`,
          { status, carrierCode: answer.code },
        );
    }
  }

  private async pause(attempt: number): Promise<void> {
    // Full jitter: concurrent senders retrying the same carrier spread out.
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 2));
    const delay = Math.round(Math.random() * ceiling);
    await (this.options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))))(
      delay,
    );
  }
}

function parseWith<T>(schema: z.ZodType<T>, bytes: Buffer): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function unknownShape(method: string, path: string, status: number): CarrierWireError {
  return new CarrierWireError(
    'unexpected-answer',
    `${method} ${path}: answer ${status} has an unknown shape`,
    { status },
  );
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed';
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
