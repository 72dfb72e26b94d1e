import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { authorisationView, type Answer } from '../domain/payment-book';
import type { MerchantCaller } from './merchant-caller';
import { NotificationSender } from './notification-sender';
import { parseRequest } from './parse-request';
import { recordRequest } from './record-request';
import { SimulatorState } from './simulator-state';

const captureSchema = z.strictObject({
  idempotencyKey: z.string().min(1).max(100),
  amountMinor: z.number().int().positive(),
});

/** Captures an authorisation: the one operation that moves money, so the one tests count. */
@Injectable()
export class CapturePayment {
  constructor(
    private readonly state: SimulatorState,
    private readonly notifications: NotificationSender,
  ) {}

  execute(caller: MerchantCaller, authorisationId: string, input: unknown): Answer {
    const request = parseRequest(captureSchema, input);
    const { answer, replayed } = this.state.book.idempotent(
      {
        merchantId: caller.merchantId,
        operation: 'capture',
        idempotencyKey: request.idempotencyKey,
        request: { authorisationId, ...request },
      },
      () => {
        const captured = this.state.book.capture(
          caller.merchantId,
          authorisationId,
          request.amountMinor,
        );
        this.notifications.notify(caller.merchantId, {
          notificationId: `ntf_${randomUUID()}`,
          type: 'payment.captured',
          merchantReference: captured.merchantReference,
          authorisationId: captured.authorisationId,
          amountMinor: captured.capturedMinor,
          currency: captured.currency,
          occurredAt: new Date().toISOString(),
        });
        return { status: 201, body: authorisationView(captured) };
      },
    );
    recordRequest(this.state, caller, {
      operation: 'capture',
      merchantReference: this.state.book.referenceOf(caller.merchantId, authorisationId),
      idempotencyKey: request.idempotencyKey,
      outcome: replayed ? 'replayed' : 'applied',
      charged: !replayed,
    });
    return answer;
  }
}
