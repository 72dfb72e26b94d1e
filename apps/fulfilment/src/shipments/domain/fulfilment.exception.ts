/** What went wrong, as a code each transport maps to a response in one exhaustive switch. */
export enum FulfilmentErrorCode {
  /** A tracking callback whose signature (or freshness, or signer) did not verify. */
  CallbackUnauthenticated = 'callback-unauthenticated',
  /** A tracking callback message seen before: a replay. */
  CallbackReplayed = 'callback-replayed',
  /** Too many callbacks in the replay window to remember another one: try again later. */
  CallbackOverloaded = 'callback-overloaded',
  /** A verified callback whose body is not a tracking event. */
  InvalidTrackingEvent = 'invalid-tracking-event',
  /** A tracking event for a shipment fulfilment does not know. */
  UnknownShipment = 'unknown-shipment',
  /** A tracking event for a shipment whose handover is still being recorded: try again. */
  ShipmentNotReady = 'shipment-not-ready',
  /** A tracking event that contradicts the shipment (another carrier id, a failed shipment). */
  TrackingConflict = 'tracking-conflict',
  /** A state change the transition table does not allow. */
  IllegalTransition = 'illegal-transition',
}

export class FulfilmentException extends Error {
  constructor(
    readonly code: FulfilmentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FulfilmentException';
  }
}
