import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { authorisationView, type Answer } from '../domain/payment-book';
import type { MerchantCaller } from './merchant-caller';
import { parseRequest } from './parse-request';
import { recordRequest } from './record-request';
import { SimulatorState } from './simulator-state';

const refundSchema = z.strictObject({
  idempotencyKey: z.string().min(1).max(100),
  amountMinor: z.number().int().positive(),
});

/** Refunds (part of) a capture, never more than was captured. */
@Injectable()
export class RefundCapture {
  constructor(private readonly state: SimulatorState) {}

  execute(caller: MerchantCaller, captureId: string, input: unknown): Answer {
    const request = parseRequest(refundSchema, input);
    const { answer, replayed } = this.state.book.idempotent(
      {
        merchantId: caller.merchantId,
        operation: 'refund',
        idempotencyKey: request.idempotencyKey,
        request: { captureId, ...request },
      },
      () => ({
        status: 201,
        body: authorisationView(
          this.state.book.refund(caller.merchantId, captureId, request.amountMinor),
        ),
      }),
    );
    recordRequest(this.state, caller, {
      operation: 'refund',
      merchantReference: this.state.book.referenceOf(caller.merchantId, captureId),
      idempotencyKey: request.idempotencyKey,
      outcome: replayed ? 'replayed' : 'applied',
      charged: false,
    });
    return answer;
  }
}
