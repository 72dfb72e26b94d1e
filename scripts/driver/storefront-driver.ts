import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envFields, loadConfig } from '#lumen/config';
import { summarise } from '../bench/bench-stats';
import { FINAL_STATUSES, StorefrontClient } from '../pipeline/storefront-client';
import { sampleOrder, spoil, type OrderKind } from './sample-orders';

/**
 * A storefront posting a steady stream of realistic orders to checkout, the way `npm start`
 * shows the pipeline working: some cards are declined, some requests carry bad input. Once
 * a second it prints where the orders are and how long they took end to end. It talks to
 * the services over HTTP only, like a real storefront.
 */
const config = loadConfig(
  z.object({
    LUMEN_CHECKOUT_PORT: envFields.port(3000),
    LUMEN_GATEWAY_SIMULATOR_PORT: envFields.port(3101),
    LUMEN_DRIVER_RATE: z.coerce.number().positive().max(1_000).default(5),
    LUMEN_DRIVER_DECLINE_SHARE: z.coerce.number().min(0).max(1).default(0.1),
    LUMEN_DRIVER_BAD_INPUT_SHARE: z.coerce.number().min(0).max(1).default(0.05),
    LUMEN_STOREFRONT_KEY_FILE: z.string().default('.lumen/storefront-dev.key'),
    LUMEN_PAYMENT_GATEWAY: z.string().default('simulator'),
  }),
);
const client = new StorefrontClient(
  `http://127.0.0.1:${config.LUMEN_CHECKOUT_PORT}`,
  `http://127.0.0.1:${config.LUMEN_GATEWAY_SIMULATOR_PORT}`,
  readFileSync(config.LUMEN_STOREFRONT_KEY_FILE, 'utf8').trim(),
);

interface Tracked {
  readonly acceptedAt: number;
  status: string;
}

const counts = { accepted: 0, refused: 0, errors: 0 };
const byStatus = new Map<string, number>();
const tracked = new Map<string, Tracked>();
const latenciesMs: number[] = [];
let policyVersion = '';

async function waitForCheckout(): Promise<void> {
  for (;;) {
    try {
      policyVersion = await client.policyVersion();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500)); // not up yet
    }
  }
}

function chooseKind(): OrderKind {
  const roll = Math.random();
  if (roll < config.LUMEN_DRIVER_BAD_INPUT_SHARE) return 'bad-input';
  if (roll < config.LUMEN_DRIVER_BAD_INPUT_SHARE + config.LUMEN_DRIVER_DECLINE_SHARE) {
    return 'declined';
  }
  return 'approved';
}

async function placeOrder(sequence: number): Promise<void> {
  const kind = chooseKind();
  const token = await client.cardToken(kind === 'declined' ? 'declined' : 'approved');
  const order = sampleOrder(sequence, token, policyVersion, config.LUMEN_PAYMENT_GATEWAY);
  const acceptedAt = Date.now();
  const posted = await client.placeOrder(kind === 'bad-input' ? spoil(order, sequence) : order);
  if (posted.orderId) {
    tracked.set(posted.orderId, { acceptedAt, status: 'placed' });
    counts.accepted += 1;
  } else if (posted.status >= 400 && posted.status < 500 && kind === 'bad-input') {
    counts.refused += 1;
  } else {
    counts.errors += 1;
    console.error(
      `unexpected ${posted.status} for a ${kind} order: ${JSON.stringify(posted.body)}`,
    );
  }
}

async function followOrders(): Promise<void> {
  const open = [...tracked].filter(([, order]) => !FINAL_STATUSES.has(order.status));
  await Promise.all(
    open.map(async ([orderId, order]) => {
      const status = (await client.order(orderId))?.status;
      if (!status || status === order.status) return;
      order.status = status;
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      if (FINAL_STATUSES.has(status)) latenciesMs.push(Date.now() - order.acceptedAt);
    }),
  );
}

function report(): void {
  const latency = summarise(latenciesMs.splice(0));
  const seen = (status: string) => byStatus.get(status) ?? 0;
  const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)}s` : '-');
  console.log(
    [
      `accepted ${counts.accepted}`,
      `refused ${counts.refused} (bad input)`,
      `confirmed ${seen('payment_confirmed')}`,
      `shipped ${seen('shipped')}`,
      `delivered ${seen('delivered')}`,
      `failed ${seen('payment_failed') + seen('cancelled')}`,
      `errors ${counts.errors}`,
      `end-to-end p50 ${seconds(latency.p50)} p99 ${seconds(latency.p99)}`,
    ].join(' | '),
  );
}

async function main(): Promise<void> {
  await waitForCheckout();
  console.log(
    `posting ${config.LUMEN_DRIVER_RATE} orders/s to ${client.checkoutUrl} ` +
      `(${config.LUMEN_DRIVER_DECLINE_SHARE * 100}% declined cards, ${config.LUMEN_DRIVER_BAD_INPUT_SHARE * 100}% bad input)`,
  );
  let sequence = 0;
  setInterval(() => {
    sequence += 1;
    placeOrder(sequence).catch((error: unknown) => {
      counts.errors += 1;
      console.error(
        `order ${sequence} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }, 1000 / config.LUMEN_DRIVER_RATE);
  setInterval(() => {
    followOrders()
      .then(report)
      .catch((error: unknown) => {
        console.error(
          `following orders failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }, 1000);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
