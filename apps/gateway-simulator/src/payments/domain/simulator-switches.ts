import { z } from 'zod';

/**
 * Behaviour a test sets over HTTP. Card tokens can also ask for an outcome per payment:
 * `tok_decline_*` is declined, `tok_insufficient_*` is declined for insufficient funds.
 */
export const simulatorSwitchesSchema = z.strictObject({
  /** Outcome of every authorisation (the token may still override it). */
  outcome: z.enum(['approve', 'decline', 'insufficient-funds']).default('approve'),
  /** The answer is held this long after the operation is applied (slow answer / timeout). */
  answerDelayMs: z.number().int().min(0).max(600_000).default(0),
  /** Which operations the delay applies to; all when empty (a lost capture answer, say). */
  delayOperations: z
    .array(z.enum(['authorise', 'capture', 'void', 'refund', 'lookup']))
    .default([]),
  /** The next N merchant requests answer 503 before anything is applied. */
  serverErrors: z.number().int().min(0).max(1_000).default(0),
  /** Each notification is delivered twice (same notification id, two signed messages). */
  duplicateNotifications: z.boolean().default(false),
  /** `rogue`: answers and notifications are signed by a self-issued key. */
  answerKey: z.enum(['gateway', 'rogue']).default('gateway'),
});
export type SimulatorSwitches = z.infer<typeof simulatorSwitchesSchema>;

export const DEFAULT_SWITCHES: SimulatorSwitches = simulatorSwitchesSchema.parse({});
