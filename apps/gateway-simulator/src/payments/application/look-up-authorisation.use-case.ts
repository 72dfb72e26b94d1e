import { Injectable } from '@nestjs/common';
import { authorisationView, type Answer } from '../domain/payment-book';
import type { MerchantCaller } from './merchant-caller';
import { SimulatorState } from './simulator-state';

/** Answers where an authorisation stands: how a merchant settles a capture whose answer was lost. */
@Injectable()
export class LookUpAuthorisation {
  constructor(private readonly state: SimulatorState) {}

  execute(caller: MerchantCaller, authorisationId: string): Answer {
    return {
      status: 200,
      body: authorisationView(this.state.book.find(caller.merchantId, authorisationId)),
    };
  }
}
