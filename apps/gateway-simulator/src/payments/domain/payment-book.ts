import { createHash, randomUUID } from 'node:crypto';
import { SimulatorException } from './simulator.exception';

export type AuthorisationStatus = 'authorised' | 'declined' | 'captured' | 'voided';
export type DeclineCode = 'do-not-honour' | 'insufficient-funds' | 'invalid-card-token';
export type Operation = 'authorise' | 'capture' | 'void' | 'refund';

export interface Authorisation {
  readonly authorisationId: string;
  readonly merchantId: string;
  readonly merchantReference: string;
  readonly amountMinor: number;
  readonly currency: string;
  status: AuthorisationStatus;
  readonly declineCode: DeclineCode | undefined;
  captureId: string | undefined;
  capturedMinor: number;
  refundedMinor: number;
}

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

interface IdempotencyRecord {
  readonly requestHash: string;
  readonly answer: Answer;
}

/** What the simulator did with a request it accepted (signature verified). */
export interface JournalEntry {
  readonly at: string;
  readonly messageId: string;
  readonly merchantId: string;
  readonly keyId: string;
  readonly operation: Operation;
  readonly merchantReference: string | undefined;
  readonly idempotencyKey: string;
  /** `applied` changed state; `replayed` answered from the idempotency record. */
  readonly outcome: 'applied' | 'replayed' | 'refused';
  /** True only for a capture that moved money. */
  readonly charged: boolean;
  /** Authorisations: the card token the gateway received (it is the gateway's to hold). */
  readonly cardToken?: string;
}

/**
 * The simulated acquirer's ledger: authorisations, captures, refunds and voids, with the
 * transitions a real gateway allows, and idempotency records per merchant and operation. A
 * repeated idempotency key with the same request gets the first answer again; with a
 * different request it is a conflict.
 */
export class PaymentBook {
  private readonly authorisations = new Map<string, Authorisation>();
  private readonly byCapture = new Map<string, string>();
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly journal: JournalEntry[] = [];

  /** Runs `apply` once per (merchant, operation, idempotency key); replays its answer after. */
  idempotent(
    context: { merchantId: string; operation: Operation; idempotencyKey: string; request: unknown },
    apply: () => Answer,
  ): { answer: Answer; replayed: boolean } {
    const key = `${context.merchantId}|${context.operation}|${context.idempotencyKey}`;
    const requestHash = createHash('sha256').update(JSON.stringify(context.request)).digest('hex');
    const existing = this.idempotency.get(key);
    if (existing) {
      if (existing.requestHash !== requestHash) {
        throw new SimulatorException(
          'conflict',
          `Idempotency key ${context.idempotencyKey} was used for a different ${context.operation}`,
        );
      }
      return { answer: existing.answer, replayed: true };
    }
    const answer = apply();
    // Only answers that changed or settled something are remembered; a 4xx may be retried.
    if (answer.status < 400) this.idempotency.set(key, { requestHash, answer });
    return { answer, replayed: false };
  }

  authorise(input: {
    merchantId: string;
    merchantReference: string;
    amountMinor: number;
    currency: string;
    declineCode: DeclineCode | undefined;
  }): Authorisation {
    const authorisation: Authorisation = {
      authorisationId: `auth_${randomUUID()}`,
      merchantId: input.merchantId,
      merchantReference: input.merchantReference,
      amountMinor: input.amountMinor,
      currency: input.currency,
      status: input.declineCode ? 'declined' : 'authorised',
      declineCode: input.declineCode,
      captureId: undefined,
      capturedMinor: 0,
      refundedMinor: 0,
    };
    this.authorisations.set(authorisation.authorisationId, authorisation);
    return authorisation;
  }

  capture(merchantId: string, authorisationId: string, amountMinor: number): Authorisation {
    const authorisation = this.owned(merchantId, authorisationId);
    if (authorisation.status !== 'authorised') {
      throw new SimulatorException(
        'invalid-state',
        `Cannot capture a ${authorisation.status} payment`,
      );
    }
    if (amountMinor > authorisation.amountMinor) {
      throw new SimulatorException('invalid-state', 'Cannot capture more than was authorised');
    }
    authorisation.status = 'captured';
    authorisation.captureId = `cap_${randomUUID()}`;
    authorisation.capturedMinor = amountMinor;
    this.byCapture.set(authorisation.captureId, authorisationId);
    return authorisation;
  }

  void(merchantId: string, authorisationId: string): Authorisation {
    const authorisation = this.owned(merchantId, authorisationId);
    if (authorisation.status !== 'authorised') {
      throw new SimulatorException(
        'invalid-state',
        `Cannot void a ${authorisation.status} payment`,
      );
    }
    authorisation.status = 'voided';
    return authorisation;
  }

  refund(merchantId: string, captureId: string, amountMinor: number): Authorisation {
    const authorisationId = this.byCapture.get(captureId);
    if (!authorisationId) throw new SimulatorException('not-found', `No capture ${captureId}`);
    const authorisation = this.owned(merchantId, authorisationId);
    if (authorisation.refundedMinor + amountMinor > authorisation.capturedMinor) {
      throw new SimulatorException('invalid-state', 'Cannot refund more than was captured');
    }
    authorisation.refundedMinor += amountMinor;
    return authorisation;
  }

  /** One of the merchant's authorisations; another merchant's is indistinguishable from none. */
  find(merchantId: string, authorisationId: string): Authorisation {
    return this.owned(merchantId, authorisationId);
  }

  /** Captures that moved money for one merchant reference (order id). */
  chargesFor(merchantReference: string): number {
    return this.journal.filter((e) => e.merchantReference === merchantReference && e.charged)
      .length;
  }

  referenceOf(merchantId: string, authorisationOrCaptureId: string): string | undefined {
    const id = this.byCapture.get(authorisationOrCaptureId) ?? authorisationOrCaptureId;
    const authorisation = this.authorisations.get(id);
    return authorisation?.merchantId === merchantId ? authorisation.merchantReference : undefined;
  }

  private owned(merchantId: string, authorisationId: string): Authorisation {
    const authorisation = this.authorisations.get(authorisationId);
    // Another merchant's payment is indistinguishable from none.
    if (authorisation?.merchantId !== merchantId) {
      throw new SimulatorException('not-found', `No authorisation ${authorisationId}`);
    }
    return authorisation;
  }
}

export function authorisationView(a: Authorisation): Record<string, unknown> {
  return {
    authorisationId: a.authorisationId,
    merchantReference: a.merchantReference,
    status: a.status,
    declineCode: a.declineCode ?? null,
    amountMinor: a.amountMinor,
    currency: a.currency,
    captureId: a.captureId ?? null,
    capturedMinor: a.capturedMinor,
    refundedMinor: a.refundedMinor,
  };
}
