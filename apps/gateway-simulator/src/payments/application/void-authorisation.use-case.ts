import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { authorisationView, type Answer } from '../domain/payment-book';
import type { MerchantCaller } from './merchant-caller';
import { parseRequest } from './parse-request';
import { recordRequest } from './record-request';
import { SimulatorState } from './simulator-state';

const voidSchema = z.strictObject({ idempotencyKey: z.string().min(1).max(100) });

/** Releases an authorisation that will not be captured. */
@Injectable()
export class VoidAuthorisation {
  constructor(private readonly state: SimulatorState) {}

  execute(caller: MerchantCaller, authorisationId: string, input: unknown): Answer {
    const request = parseRequest(voidSchema, input);
    const { answer, replayed } = this.state.book.idempotent(
      {
        merchantId: caller.merchantId,
        operation: 'void',
        idempotencyKey: request.idempotencyKey,
        request: { authorisationId, ...request },
      },
      () => ({
        status: 200,
        body: authorisationView(this.state.book.void(caller.merchantId, authorisationId)),
      }),
    );
    recordRequest(this.state, caller, {
      operation: 'void',
      merchantReference: this.state.book.referenceOf(caller.merchantId, authorisationId),
      idempotencyKey: request.idempotencyKey,
      outcome: replayed ? 'replayed' : 'applied',
      charged: false,
    });
    return answer;
  }
}
