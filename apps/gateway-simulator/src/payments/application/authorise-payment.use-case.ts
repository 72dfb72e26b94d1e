import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { authorisationView, type Answer, type DeclineCode } from '../domain/payment-book';
import type { MerchantCaller } from './merchant-caller';
import { NotificationSender } from './notification-sender';
import { SimulatorState } from './simulator-state';
import { parseRequest } from './parse-request';
import { recordRequest } from './record-request';

const authoriseSchema = z.strictObject({
  merchantReference: z.string().min(1).max(100),
  idempotencyKey: z.string().min(1).max(100),
  amountMinor: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  cardToken: z.string().regex(/^tok_[A-Za-z0-9_-]{1,100}$/, 'expected a gateway card token'),
});

/** Authorises a payment on a card token; the outcome comes from the token or the switches. */
@Injectable()
export class AuthorisePayment {
  constructor(
    private readonly state: SimulatorState,
    private readonly notifications: NotificationSender,
  ) {}

  execute(caller: MerchantCaller, input: unknown): Answer {
    const request = parseRequest(authoriseSchema, input);
    const { answer, replayed } = this.state.book.idempotent(
      {
        merchantId: caller.merchantId,
        operation: 'authorise',
        idempotencyKey: request.idempotencyKey,
        request,
      },
      () => {
        const authorisation = this.state.book.authorise({
          merchantId: caller.merchantId,
          merchantReference: request.merchantReference,
          amountMinor: request.amountMinor,
          currency: request.currency,
          declineCode: this.declineCodeFor(
            request.cardToken,
            `${caller.merchantId}|${request.idempotencyKey}`,
          ),
        });
        if (authorisation.status === 'declined') {
          this.notifications.notify(caller.merchantId, {
            notificationId: `ntf_${randomUUID()}`,
            type: 'payment.declined',
            merchantReference: authorisation.merchantReference,
            authorisationId: authorisation.authorisationId,
            amountMinor: authorisation.amountMinor,
            currency: authorisation.currency,
            occurredAt: new Date().toISOString(),
          });
        }
        return { status: 201, body: authorisationView(authorisation) };
      },
    );
    recordRequest(this.state, caller, {
      operation: 'authorise',
      merchantReference: request.merchantReference,
      idempotencyKey: request.idempotencyKey,
      outcome: replayed ? 'replayed' : 'applied',
      charged: false,
      cardToken: request.cardToken,
    });
    return answer;
  }

  /** The card's own outcome first (an unknown, expired or spent token is declined), then the switch. */
  private declineCodeFor(cardToken: string, scope: string): DeclineCode | undefined {
    const use = this.state.cards.use(cardToken, scope, Date.now());
    if (!use.ok) return 'invalid-card-token';
    if (use.card.declineCode) return use.card.declineCode;
    switch (this.state.switches.outcome) {
      case 'approve':
        return undefined;
      case 'decline':
        return 'do-not-honour';
      case 'insufficient-funds':
        return 'insufficient-funds';
    }
  }
}
