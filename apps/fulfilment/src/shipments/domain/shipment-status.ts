import { FulfilmentErrorCode, FulfilmentException } from './fulfilment.exception';

export const SHIPMENT_STATUSES = [
  'pending',
  'handed_over',
  'dispatched',
  'delivered',
  'failed',
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export type ShipmentAction = 'hand-over' | 'dispatch' | 'deliver' | 'fail';

/**
 * Every legal state change, and nothing else: pending → handed_over → dispatched → delivered,
 * or pending → failed when the carrier refuses for good (or cannot be reached in time).
 * Terminal states (`delivered`, `failed`) have no way out.
 */
const TRANSITIONS: Readonly<
  Record<ShipmentStatus, Partial<Record<ShipmentAction, ShipmentStatus>>>
> = {
  pending: { 'hand-over': 'handed_over', fail: 'failed' },
  handed_over: { dispatch: 'dispatched' },
  dispatched: { deliver: 'delivered' },
  delivered: {},
  failed: {},
};

/** The status after `action`; throws `IllegalTransition` when the table has no such row. */
export function nextStatus(from: ShipmentStatus, action: ShipmentAction): ShipmentStatus {
  const to = TRANSITIONS[from][action];
  if (to === undefined) {
    throw new FulfilmentException(
      FulfilmentErrorCode.IllegalTransition,
      `A ${from} shipment cannot ${action}`,
    );
  }
  return to;
}

export function canTransition(from: ShipmentStatus, action: ShipmentAction): boolean {
  return TRANSITIONS[from][action] !== undefined;
}

export function isTerminal(status: ShipmentStatus): boolean {
  return Object.keys(TRANSITIONS[status]).length === 0;
}
