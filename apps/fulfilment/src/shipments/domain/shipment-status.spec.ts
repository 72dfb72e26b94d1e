import { FulfilmentErrorCode, FulfilmentException } from './fulfilment.exception';
import {
  canTransition,
  isTerminal,
  nextStatus,
  SHIPMENT_STATUSES,
  type ShipmentAction,
  type ShipmentStatus,
} from './shipment-status';

const ACTIONS: readonly ShipmentAction[] = ['hand-over', 'dispatch', 'deliver', 'fail'];

describe('shipment transition table', () => {
  it('allows exactly the documented path and the failure from pending', () => {
    const allowed = SHIPMENT_STATUSES.flatMap((from) =>
      ACTIONS.filter((action) => canTransition(from, action)).map(
        (action) => `${from} -${action}-> ${nextStatus(from, action)}`,
      ),
    );
    expect(allowed.sort()).toEqual(
      [
        'pending -hand-over-> handed_over',
        'pending -fail-> failed',
        'handed_over -dispatch-> dispatched',
        'dispatched -deliver-> delivered',
      ].sort(),
    );
  });

  it.each(
    SHIPMENT_STATUSES.flatMap((from) =>
      ACTIONS.filter((action) => !canTransition(from, action)).map(
        (action) => [from, action] as [ShipmentStatus, ShipmentAction],
      ),
    ),
  )('refuses %s -%s-> with IllegalTransition', (from, action) => {
    let caught: unknown;
    try {
      nextStatus(from, action);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FulfilmentException);
    expect((caught as FulfilmentException).code).toBe(FulfilmentErrorCode.IllegalTransition);
  });

  it('has delivered and failed as its only terminal states', () => {
    expect(SHIPMENT_STATUSES.filter(isTerminal).sort()).toEqual(['delivered', 'failed']);
  });
});
