import { FINAL_STATUSES, type OrderStatus } from '../pipeline/storefront-client';

/**
 * The crash tests' invariants, judged on evidence gathered after the faults stopped and the
 * pipeline settled. Pure: `npm run chaos` and the e2e chaos spec both feed it what they read
 * from the running pipeline (see chaos-evidence.ts), and its unit spec feeds it made-up cases.
 */

/** One accepted order: what the storefront was told, and what checkout says now. */
export interface AcceptedOrder {
  readonly orderId: string;
  /** The idempotency key(s) it was posted under (retries after a crash reuse the key). */
  readonly idempotencyKey: string;
  readonly card: 'approved' | 'declined';
  /** GET /orders/{id} after the settle phase; undefined when checkout does not know it. */
  readonly status: OrderStatus | undefined;
}

/** The gateway simulator's journal, reduced to what the invariants need, per order id. */
export interface GatewayEvidence {
  /** Captures that moved money. */
  readonly charges: number;
  /** Refunds applied (not replays of one). */
  readonly refunds: number;
  /** Voids applied. */
  readonly voids: number;
}

/** Fulfilment's shipment for an order, and what the carrier simulator did with it. */
export interface ShipmentEvidence {
  readonly shipmentReference: string;
  /** Fulfilment's record of the carrier's id, once handed over. */
  readonly carrierShipmentId: string | null;
  /** Shipments the carrier created under this reference. */
  readonly carrierShipments: readonly string[];
  /** Requests for this reference the carrier answered with a new shipment (`created`). */
  readonly carrierCreatedRequests: number;
}

/** A dead letter written during the run. */
export interface DeadLetter {
  readonly topic: string;
  readonly key: string;
  /** The consumer group that gave up on it. */
  readonly consumer: string;
  readonly reason: string;
  readonly detail: string;
}

export interface Evidence {
  readonly orders: readonly AcceptedOrder[];
  /** Idempotency keys that answered with more than one order id. */
  readonly keysWithTwoOrders: readonly string[];
  readonly gateway: ReadonlyMap<string, GatewayEvidence>;
  /** By order id; absent when fulfilment never created a shipment for it. */
  readonly shipments: ReadonlyMap<string, ShipmentEvidence>;
  /** Carrier shipments whose reference belongs to no shipment of fulfilment. */
  readonly orphanCarrierShipments: readonly string[];
  /** Unpublished outbox rows left, by service schema. */
  readonly outboxLeft: Readonly<Record<string, number>>;
  readonly deadLetters: readonly DeadLetter[];
  /** The pipeline's own consumer groups (each service's default group is its name). */
  readonly pipelineConsumers: readonly string[];
}

export interface InvariantResult {
  readonly name: string;
  readonly held: boolean;
  /** What was checked (counts), in one line. */
  readonly checked: string;
  /** Each violation, naming the order or topic (ids only: no personal data). */
  readonly violations: readonly string[];
}

const MAX_LISTED = 20;

function result(name: string, checked: string, violations: string[]): InvariantResult {
  const listed =
    violations.length > MAX_LISTED
      ? [
          ...violations.slice(0, MAX_LISTED),
          `... and ${String(violations.length - MAX_LISTED)} more`,
        ]
      : violations;
  return { name, held: violations.length === 0, checked, violations: listed };
}

function finalStatusesIn(status: OrderStatus): string[] {
  return status.history.map((h) => h.status).filter((s) => FINAL_STATUSES.has(s));
}

const NO_MONEY: GatewayEvidence = { charges: 0, refunds: 0, voids: 0 };

export function judgeInvariants(evidence: Evidence): InvariantResult[] {
  const { orders } = evidence;
  const results: InvariantResult[] = [];

  // 1. Every 202 reaches exactly one final state, once, and one key never made two orders.
  const finality: string[] = [];
  for (const order of orders) {
    if (!order.status) {
      finality.push(`${order.orderId}: accepted (202) but checkout does not know it`);
      continue;
    }
    const finals = finalStatusesIn(order.status);
    if (!FINAL_STATUSES.has(order.status.status))
      finality.push(`${order.orderId}: still ${order.status.status}`);
    else if (finals.length !== 1)
      finality.push(`${order.orderId}: final states ${finals.join(', ')} in its history`);
    const steps = order.status.history.map((h) => h.status);
    if (new Set(steps).size !== steps.length)
      finality.push(`${order.orderId}: a status recorded twice (${steps.join(' → ')})`);
    if (order.card === 'declined' && order.status.status !== 'payment_failed')
      finality.push(`${order.orderId}: a declined card ended ${order.status.status}`);
  }
  for (const key of evidence.keysWithTwoOrders)
    finality.push(`idempotency key ${key}: answered with two different order ids`);
  results.push(
    result(
      'every accepted order reaches exactly one final state',
      `${String(orders.length)} orders accepted`,
      finality,
    ),
  );

  // 2. Money: at most one capture; a refund for every cancelled paid order; none otherwise.
  const money: string[] = [];
  let captured = 0;
  let refunded = 0;
  for (const order of orders) {
    const gateway = evidence.gateway.get(order.orderId) ?? NO_MONEY;
    const status = order.status?.status;
    captured += Math.min(gateway.charges, 1);
    refunded += Math.min(gateway.refunds, 1);
    if (gateway.charges > 1)
      money.push(`${order.orderId}: captured ${String(gateway.charges)} times`);
    if (gateway.refunds > 1)
      money.push(`${order.orderId}: refunded ${String(gateway.refunds)} times`);
    if (status === 'delivered' && gateway.charges !== 1)
      money.push(`${order.orderId}: delivered with ${String(gateway.charges)} captures`);
    if (status === 'delivered' && gateway.refunds > 0)
      money.push(`${order.orderId}: delivered and refunded`);
    if (status === 'payment_failed' && gateway.charges > 0)
      money.push(`${order.orderId}: payment failed but money was captured`);
    if (status === 'cancelled' && gateway.charges > 0 && gateway.refunds === 0)
      money.push(`${order.orderId}: cancelled after capture, never refunded`);
  }
  results.push(
    result(
      'gateway: at most one capture per order, a refund for every cancelled paid order',
      `${String(captured)} orders captured, ${String(refunded)} refunded`,
      money,
    ),
  );

  // 3. The carrier received each shipment exactly once.
  const carrier: string[] = [];
  let handedOver = 0;
  for (const order of orders) {
    const shipment = evidence.shipments.get(order.orderId);
    const status = order.status?.status;
    const history = order.status?.history.map((h) => h.status) ?? [];
    const carrierCount = shipment?.carrierShipments.length ?? 0;
    if (carrierCount > 0) handedOver += 1;
    if (carrierCount > 1 || (shipment?.carrierCreatedRequests ?? 0) > 1)
      carrier.push(`${order.orderId}: the carrier created ${String(carrierCount)} shipments`);
    if (history.includes('shipped') && carrierCount !== 1)
      carrier.push(`${order.orderId}: shipped, but the carrier holds ${String(carrierCount)}`);
    if (status === 'payment_failed' && (shipment || carrierCount > 0))
      carrier.push(`${order.orderId}: payment failed but a shipment was created`);
    if (
      shipment?.carrierShipmentId &&
      carrierCount === 1 &&
      shipment.carrierShipments[0] !== shipment.carrierShipmentId
    )
      carrier.push(`${order.orderId}: fulfilment and the carrier disagree on the shipment id`);
  }
  for (const id of evidence.orphanCarrierShipments)
    carrier.push(`carrier shipment ${id}: no shipment of fulfilment has its reference`);
  results.push(
    result(
      'carrier: each shipment received exactly once',
      `${String(handedOver)} shipments handed over`,
      carrier,
    ),
  );

  // 4. Nothing left in an outbox.
  const outbox = Object.entries(evidence.outboxLeft)
    .filter(([, left]) => left > 0)
    .map(([schema, left]) => `${schema}: ${String(left)} unpublished outbox rows`);
  results.push(
    result('nothing left in an outbox', Object.keys(evidence.outboxLeft).join(', '), outbox),
  );

  // 5. Nothing unexpected in a dead-letter topic. The topics are shared with every other
  // engineer's integration specs on this machine: their consumers (groups of their own) read
  // the pipeline's events and dead-letter them as signed by a key they do not trust, and they
  // publish forged events the pipeline's consumers rightly dead-letter. A dead letter counts
  // against the run when one of the pipeline's own consumers gave up on one of its orders.
  const ours = new Set(orders.map((o) => o.orderId));
  const pipeline = new Set(evidence.pipelineConsumers);
  const byPipeline = evidence.deadLetters.filter((letter) => pipeline.has(letter.consumer));
  const letters = byPipeline
    .filter((letter) => ours.has(letter.key))
    .map((l) => `${l.topic} ${l.key} (${l.consumer}): ${l.reason} (${l.detail.slice(0, 160)})`);
  const foreign = new Map<string, number>();
  for (const letter of byPipeline.filter((l) => !ours.has(l.key)))
    foreign.set(letter.reason, (foreign.get(letter.reason) ?? 0) + 1);
  const foreignText = [...foreign].map(([reason, n]) => `${reason} ${String(n)}`).join(', ');
  results.push(
    result(
      'nothing unexpected in a dead-letter topic',
      `${String(evidence.deadLetters.length)} dead letters written during the run, ` +
        `${String(byPipeline.length)} by the pipeline's consumers` +
        (foreignText ? ` (for events not of this run: ${foreignText})` : '') +
        `, ${String(letters.length)} for its orders`,
      letters,
    ),
  );
  return results;
}
