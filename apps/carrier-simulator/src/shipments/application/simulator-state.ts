import { Inject, Injectable } from '@nestjs/common';
import type { TrackingStatus } from '#lumen/carrier';
import {
  CARRIER_SIMULATOR_CONFIG,
  type CarrierSimulatorConfig,
} from '../../config/carrier-simulator.config';
import { ShipmentBook } from '../domain/shipment-book';
import {
  defaultSwitches,
  switchesPatchSchema,
  type SimulatorSwitches,
} from '../domain/simulator-switches';

export type ReceivedOutcome =
  | 'created'
  | 'existing'
  | 'refused'
  | 'conflict'
  | 'invalid'
  | 'unauthenticated'
  | 'unavailable'
  | 'hung';

/** One shipment request exactly as it arrived, and what the simulator did with it. */
export interface ReceivedRequest {
  readonly at: string;
  readonly path: string;
  /** The raw body, as UTF-8 text: byte for byte what the merchant sent. */
  readonly body: string;
  readonly messageId: string | null;
  readonly keyId: string | null;
  readonly verified: boolean;
  readonly outcome: ReceivedOutcome;
  /** The refusal reason or the validation problem, when there is one. */
  readonly detail: string | null;
}

/** One attempt to deliver a tracking callback to the merchant. */
export interface CallbackDelivery {
  readonly at: string;
  readonly eventId: string;
  readonly shipmentReference: string;
  readonly status: TrackingStatus;
  readonly messageId: string;
  readonly attempt: number;
  /** `original`, or the duplicate the switch asked for. */
  readonly copy: 'original' | 'resend' | 'replay';
  readonly signedWith: SimulatorSwitches['callbackKey'];
  /** The merchant's HTTP status, or null when there was no answer. */
  readonly responseStatus: number | null;
  readonly error: string | null;
}

/** Journals keep the most recent entries only, so a long `npm start` cannot grow without end. */
const JOURNAL_LIMIT = 10_000;

function append<T>(journal: T[], entry: T): void {
  journal.push(entry);
  if (journal.length > JOURNAL_LIMIT) journal.splice(0, journal.length - JOURNAL_LIMIT);
}

/** The simulator's memory: switches, shipments and what went over the wire. */
@Injectable()
export class SimulatorState {
  readonly book = new ShipmentBook();
  private currentSwitches: SimulatorSwitches;
  private readonly receivedJournal: ReceivedRequest[] = [];
  private readonly callbackJournal: CallbackDelivery[] = [];

  constructor(@Inject(CARRIER_SIMULATOR_CONFIG) private readonly config: CarrierSimulatorConfig) {
    this.currentSwitches = defaultSwitches(config);
  }

  get switches(): SimulatorSwitches {
    return this.currentSwitches;
  }

  get received(): readonly ReceivedRequest[] {
    return this.receivedJournal;
  }

  get callbacks(): readonly CallbackDelivery[] {
    return this.callbackJournal;
  }

  /** Applies a patch (validated: throws a ZodError for a bad one) and returns the result. */
  setSwitches(patch: unknown): SimulatorSwitches {
    const parsed = switchesPatchSchema.parse(patch);
    this.currentSwitches = { ...this.currentSwitches, ...parsed };
    return this.currentSwitches;
  }

  resetSwitches(): SimulatorSwitches {
    this.currentSwitches = defaultSwitches(this.config);
    return this.currentSwitches;
  }

  /** Uses up one `failNext`; true when this request is to fail. */
  takeFailure(): boolean {
    if (this.currentSwitches.failNext === 0) return false;
    this.currentSwitches = { ...this.currentSwitches, failNext: this.currentSwitches.failNext - 1 };
    return true;
  }

  /** Uses up one `hangNext`; true when this request is to hang. */
  takeHang(): boolean {
    if (this.currentSwitches.hangNext === 0) return false;
    this.currentSwitches = { ...this.currentSwitches, hangNext: this.currentSwitches.hangNext - 1 };
    return true;
  }

  recordReceived(entry: ReceivedRequest): void {
    append(this.receivedJournal, entry);
  }

  recordCallback(entry: CallbackDelivery): void {
    append(this.callbackJournal, entry);
  }

  /** Forgets everything: shipments, journals and switches. */
  reset(): void {
    this.book.clear();
    this.receivedJournal.length = 0;
    this.callbackJournal.length = 0;
    this.resetSwitches();
  }
}
