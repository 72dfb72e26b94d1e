import { Injectable } from '@nestjs/common';
import { CardVault } from '../../cards/domain/card-vault';
import { PaymentBook } from '../domain/payment-book';
import {
  DEFAULT_SWITCHES,
  simulatorSwitchesSchema,
  type SimulatorSwitches,
} from '../domain/simulator-switches';

/** A message the simulator refused, with why: the audit trail tests and operators read. */
export interface RefusalRecord {
  readonly at: string;
  readonly path: string;
  readonly reason: string;
  readonly claimedKeyId: string | null;
}

/** A notification as delivered (or attempted) to a merchant. */
export interface DeliveryRecord {
  readonly at: string;
  readonly notificationId: string;
  readonly messageId: string;
  readonly merchantId: string;
  readonly type: string;
  readonly status: number | null;
}

/** The simulator's in-memory state: it is a simulator; every bit of it is driven over HTTP. */
@Injectable()
export class SimulatorState {
  readonly book = new PaymentBook();
  readonly cards = new CardVault();
  readonly refusals: RefusalRecord[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  private current: SimulatorSwitches = DEFAULT_SWITCHES;

  get switches(): SimulatorSwitches {
    return this.current;
  }

  setSwitches(input: unknown): SimulatorSwitches {
    this.current = simulatorSwitchesSchema.parse({ ...this.current, ...(input as object) });
    return this.current;
  }

  resetSwitches(): SimulatorSwitches {
    this.current = DEFAULT_SWITCHES;
    return this.current;
  }

  /** Consumes one of the queued 5xx answers, if any. */
  takeServerError(): boolean {
    if (this.current.serverErrors === 0) return false;
    this.current = { ...this.current, serverErrors: this.current.serverErrors - 1 };
    return true;
  }
}
