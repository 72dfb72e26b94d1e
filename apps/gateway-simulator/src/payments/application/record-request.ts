import type { JournalEntry, Operation } from '../domain/payment-book';
import type { MerchantCaller } from './merchant-caller';
import type { SimulatorState } from './simulator-state';

/** Adds an accepted request to the journal tests read (`GET /test/journal`). */
export function recordRequest(
  state: SimulatorState,
  caller: MerchantCaller,
  entry: Pick<
    JournalEntry,
    'merchantReference' | 'idempotencyKey' | 'outcome' | 'charged' | 'cardToken'
  > & {
    operation: Operation;
  },
): void {
  state.book.journal.push({
    at: new Date().toISOString(),
    messageId: caller.messageId,
    merchantId: caller.merchantId,
    keyId: caller.keyId,
    ...entry,
  });
}
