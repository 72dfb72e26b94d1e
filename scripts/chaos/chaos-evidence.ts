import { Client } from 'pg';
import { readMessages, topicEnds } from '../sweep/sweep-sources';
import type { StorefrontClient } from '../pipeline/storefront-client';
import { FINAL_STATUSES } from '../pipeline/storefront-client';
import type {
  AcceptedOrder,
  DeadLetter,
  Evidence,
  GatewayEvidence,
  ShipmentEvidence,
} from './invariants';

/**
 * Reads what the invariants are judged on, from where each truth lives: checkout's order
 * status API, the gateway simulator's journal, the carrier simulator's book and received
 * list, fulfilment's shipments table (the only link between an order and the random
 * shipment reference the carrier sees), every service's outbox, and the dead-letter topics
 * from where they ended when the run began.
 */
export const SERVICE_SCHEMAS = ['checkout', 'payment', 'fulfilment', 'privacy'] as const;
const isDeadLetterTopic = (topic: string): boolean => topic.endsWith('.dlq');

export interface EvidenceSources {
  readonly storefront: StorefrontClient;
  readonly gatewayUrl: string;
  readonly gatewayOperatorToken: string;
  readonly carrierUrl: string;
  /** The carrier simulator's control token, as headers. */
  readonly carrierControl: Record<string, string>;
  readonly databaseUrl: string;
  readonly brokers: readonly string[];
  /** The pipeline's consumer groups: `npm start` leaves each service its default, its name. */
  readonly pipelineConsumers: readonly string[];
}

/** An order the load posted and got a 202 for. */
export interface PostedOrder {
  readonly orderId: string;
  readonly idempotencyKey: string;
  readonly card: 'approved' | 'declined';
}

/** Where each dead-letter partition ended before the run: only later letters are the run's. */
export function deadLetterBaseline(brokers: readonly string[]): Promise<Map<string, number>> {
  return topicEnds(brokers, isDeadLetterTopic);
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`GET ${url} answered ${String(response.status)}`);
  return (await response.json()) as T;
}

/** Retries a read a few times: right after the faults a service may still be coming back. */
async function patiently<T>(read: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

async function withDatabase<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Unpublished outbox rows per service schema. */
export function outboxBacklog(databaseUrl: string): Promise<Record<string, number>> {
  return withDatabase(databaseUrl, async (client) => {
    const left: Record<string, number> = {};
    for (const schema of SERVICE_SCHEMAS) {
      const { rows } = await client.query<{ left: string }>(
        `SELECT count(*) AS left FROM "${schema}".outbox WHERE published_at IS NULL`,
      );
      left[schema] = Number(rows[0]?.left ?? 0);
    }
    return left;
  });
}

/**
 * Waits until every order is in a final state and every outbox is empty, or the timeout.
 * Returns how long it took (the judge then sees whatever is still open).
 */
export async function settle(
  sources: EvidenceSources,
  orders: readonly PostedOrder[],
  timeoutMs: number,
  onProgress: (open: number, outboxLeft: number) => void = () => undefined,
): Promise<number> {
  const started = Date.now();
  const open = new Set(orders.map((o) => o.orderId));
  while (Date.now() - started < timeoutMs) {
    for (const orderId of [...open]) {
      const status = await sources.storefront.order(orderId).catch(() => undefined);
      if (status && FINAL_STATUSES.has(status.status)) open.delete(orderId);
    }
    const backlog = await outboxBacklog(sources.databaseUrl).catch(() => undefined);
    const left = backlog ? Object.values(backlog).reduce((a, b) => a + b, 0) : Infinity;
    onProgress(open.size, left);
    if (open.size === 0 && left === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return Date.now() - started;
}

export async function gatherEvidence(
  sources: EvidenceSources,
  posted: readonly PostedOrder[],
  deadLettersFrom: ReadonlyMap<string, number>,
): Promise<Evidence> {
  // One order id per idempotency key, whatever the retries after crashes answered.
  const byKey = new Map<string, Set<string>>();
  for (const order of posted) {
    byKey.set(
      order.idempotencyKey,
      (byKey.get(order.idempotencyKey) ?? new Set()).add(order.orderId),
    );
  }
  const keysWithTwoOrders = [...byKey].filter(([, ids]) => ids.size > 1).map(([key]) => key);
  const unique = [...new Map(posted.map((o) => [o.orderId, o])).values()];

  const orders: AcceptedOrder[] = [];
  for (const order of unique) {
    orders.push({
      ...order,
      status: await patiently(() => sources.storefront.order(order.orderId)),
    });
  }

  const journal = await patiently(() =>
    getJson<{
      entries: {
        operation: string;
        merchantReference?: string;
        outcome: string;
        charged: boolean;
      }[];
    }>(`${sources.gatewayUrl}/test/journal`, {
      authorization: `Bearer ${sources.gatewayOperatorToken}`,
    }),
  );
  const gateway = new Map<string, GatewayEvidence>();
  for (const entry of journal.entries) {
    if (!entry.merchantReference) continue;
    const seen = gateway.get(entry.merchantReference) ?? { charges: 0, refunds: 0, voids: 0 };
    const applied = entry.outcome === 'applied';
    gateway.set(entry.merchantReference, {
      charges: seen.charges + (entry.charged ? 1 : 0),
      refunds: seen.refunds + (applied && entry.operation === 'refund' ? 1 : 0),
      voids: seen.voids + (applied && entry.operation === 'void' ? 1 : 0),
    });
  }

  const carrierBook = await patiently(() =>
    getJson<{ shipments: { carrierShipmentId: string; shipmentReference: string }[] }>(
      `${sources.carrierUrl}/_test/shipments`,
      sources.carrierControl,
    ),
  );
  const received = await patiently(() =>
    getJson<{ requests: { body: string; outcome: string }[] }>(
      `${sources.carrierUrl}/_test/received`,
      sources.carrierControl,
    ),
  );
  const createdByReference = new Map<string, number>();
  for (const request of received.requests) {
    if (request.outcome !== 'created') continue;
    const reference = referenceIn(request.body);
    if (reference) createdByReference.set(reference, (createdByReference.get(reference) ?? 0) + 1);
  }

  const { ours, known } = await withDatabase(sources.databaseUrl, async (client) => {
    const mine = await client.query<{
      order_id: string;
      shipment_reference: string;
      carrier_shipment_id: string | null;
    }>(
      `SELECT order_id, shipment_reference, carrier_shipment_id FROM fulfilment.shipments
        WHERE order_id = ANY($1::uuid[])`,
      [unique.map((o) => o.orderId)],
    );
    const references = await client.query<{ shipment_reference: string }>(
      `SELECT shipment_reference FROM fulfilment.shipments WHERE shipment_reference = ANY($1)`,
      [carrierBook.shipments.map((s) => s.shipmentReference)],
    );
    return {
      ours: mine.rows,
      known: new Set(references.rows.map((r) => r.shipment_reference)),
    };
  });
  const shipments = new Map<string, ShipmentEvidence>();
  for (const row of ours) {
    shipments.set(row.order_id, {
      shipmentReference: row.shipment_reference,
      carrierShipmentId: row.carrier_shipment_id,
      carrierShipments: carrierBook.shipments
        .filter((s) => s.shipmentReference === row.shipment_reference)
        .map((s) => s.carrierShipmentId),
      carrierCreatedRequests: createdByReference.get(row.shipment_reference) ?? 0,
    });
  }
  const orphanCarrierShipments = carrierBook.shipments
    .filter((s) => !known.has(s.shipmentReference))
    .map((s) => s.carrierShipmentId);

  const deadLetters: DeadLetter[] = (
    await readMessages(sources.brokers, isDeadLetterTopic, deadLettersFrom)
  ).map((message) => ({
    topic: message.topic,
    key: message.key,
    consumer: message.headers['lumen-dlq-consumer'] ?? '',
    reason: message.headers['lumen-dlq-reason'] ?? '',
    detail: message.headers['lumen-dlq-detail'] ?? '',
  }));

  return {
    orders,
    keysWithTwoOrders,
    gateway,
    shipments,
    orphanCarrierShipments,
    outboxLeft: await outboxBacklog(sources.databaseUrl),
    deadLetters,
    pipelineConsumers: sources.pipelineConsumers,
  };
}

function referenceIn(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { shipmentReference?: unknown };
    return typeof parsed.shipmentReference === 'string' ? parsed.shipmentReference : undefined;
  } catch {
    return undefined;
  }
}
