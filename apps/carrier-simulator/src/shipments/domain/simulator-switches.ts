import { z } from 'zod';

/**
 * How the simulated carrier misbehaves, set by a test over HTTP (`PUT /_test/switches`).
 * Counters (`failNext`, `hangNext`) are used up one shipment request at a time.
 */
export const simulatorSwitchesSchema = z.strictObject({
  /** Refuse every new shipment for good: 422, signed, with this code and reason. */
  refuse: z
    .strictObject({
      code: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'refuse.code: expected a-z, 0-9 and -'),
      reason: z.string().min(1).max(500),
    })
    .nullable(),
  /** The next N shipment requests answer 503 (unsigned) before anything is looked at. */
  failNext: z.int().min(0).max(1_000),
  /** The next N shipment requests get no answer at all, until the caller gives up. */
  hangNext: z.int().min(0).max(1_000),
  /**
   * Whether a hung request is applied first: true is the nasty case (the shipment exists,
   * the answer is lost) that the idempotency key is for; false hangs before anything happens.
   */
  hangAfterAccepting: z.boolean(),
  /**
   * `resend`: each callback is delivered a second time as a new signed message with the same
   * event id (a carrier's retry after a lost acknowledgement). `replay`: the exact same message
   * (headers and bytes) is sent again, as an attacker who captured it would.
   */
  duplicateCallbacks: z.enum(['off', 'resend', 'replay']),
  /**
   * `carrier`: callbacks signed by the carrier key. `unknown`: by a key the merchant never
   * trusted. `forged`: by another key that claims the carrier key's id.
   */
  callbackKey: z.enum(['carrier', 'unknown', 'forged']),
  dispatchDelayMs: z.int().min(0).max(3_600_000),
  deliveryDelayMs: z.int().min(0).max(3_600_000),
});

export type SimulatorSwitches = z.infer<typeof simulatorSwitchesSchema>;

/** A change to some switches; the others keep their values. */
export const switchesPatchSchema = simulatorSwitchesSchema.partial();
export type SwitchesPatch = z.infer<typeof switchesPatchSchema>;

export function defaultSwitches(delays: {
  dispatchDelayMs: number;
  deliveryDelayMs: number;
}): SimulatorSwitches {
  return {
    refuse: null,
    failNext: 0,
    hangNext: 0,
    hangAfterAccepting: true,
    duplicateCallbacks: 'off',
    callbackKey: 'carrier',
    dispatchDelayMs: delays.dispatchDelayMs,
    deliveryDelayMs: delays.deliveryDelayMs,
  };
}
