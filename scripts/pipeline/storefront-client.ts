import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a storefront does against a running pipeline, over HTTP only: get a card token from
 * the gateway's hosted card form (the card number goes to the gateway, never to Lumen), post
 * orders to checkout with its API key, and follow their status. Shared by the storefront
 * driver, the e2e tier and the leak sweep.
 */
export const TEST_CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
} as const;
export type TestCard = keyof typeof TEST_CARDS;

export const FINAL_STATUSES: ReadonlySet<string> = new Set([
  'delivered',
  'cancelled',
  'payment_failed',
]);

export interface OrderStatus {
  readonly orderId: string;
  readonly status: string;
  readonly history: readonly { status: string; at: string; reason?: string }[];
}

export interface PostedOrder {
  readonly status: number;
  readonly body: unknown;
  readonly orderId?: string;
}

export class StorefrontClient {
  constructor(
    readonly checkoutUrl: string,
    readonly gatewayUrl: string,
    private readonly apiKey: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  /** The development storefront's key, written by provisioning. */
  static devKey(root: string): string {
    return readFileSync(join(root, '.lumen', 'storefront-dev.key'), 'utf8').trim();
  }

  /** The headers the carrier simulator's `/_test` controls demand (its generated token). */
  static carrierControlHeaders(root: string): Record<string, string> {
    const token = readFileSync(join(root, '.lumen', 'carrier', 'control-token'), 'utf8').trim();
    return { authorization: `Bearer ${token}` };
  }

  async policyVersion(): Promise<string> {
    const response = await fetch(`${this.checkoutUrl}/privacy-policy`);
    if (!response.ok) throw new Error(`GET /privacy-policy answered ${response.status}`);
    return ((await response.json()) as { version: string }).version;
  }

  /** What the storefront's browser does: the card goes to the gateway, a token comes back. */
  async cardToken(card: TestCard): Promise<string> {
    const response = await fetch(`${this.gatewayUrl}/hosted-form/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cardNumber: TEST_CARDS[card], expiry: '12/30', cvc: '123' }),
    });
    if (!response.ok) throw new Error(`the hosted card form answered ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  }

  async placeOrder(body: unknown, idempotencyKey: string = randomUUID()): Promise<PostedOrder> {
    const response = await fetch(`${this.checkoutUrl}/orders`, {
      method: 'POST',
      headers: {
        ...this.extraHeaders,
        'content-type': 'application/json',
        authorization: `Bearer ${this.apiKey}`,
        'idempotency-key': idempotencyKey,
      },
      body: JSON.stringify(body),
    });
    const answer: unknown = await response.json().catch(() => undefined);
    const orderId =
      response.status === 202 ? (answer as { orderId?: string } | undefined)?.orderId : undefined;
    return { status: response.status, body: answer, ...(orderId && { orderId }) };
  }

  async order(orderId: string): Promise<OrderStatus | undefined> {
    const response = await fetch(`${this.checkoutUrl}/orders/${orderId}`, {
      headers: { authorization: `Bearer ${this.apiKey}` },
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`GET /orders/${orderId} answered ${response.status}`);
    return (await response.json()) as OrderStatus;
  }

  /** Polls until the order reaches one of `statuses` (or any final one), or the timeout. */
  async waitForStatus(
    orderId: string,
    statuses: readonly string[] = [...FINAL_STATUSES],
    timeoutMs = 60_000,
  ): Promise<OrderStatus> {
    const deadline = Date.now() + timeoutMs;
    let last: OrderStatus | undefined;
    while (Date.now() < deadline) {
      last = await this.order(orderId);
      if (last && (statuses.includes(last.status) || FINAL_STATUSES.has(last.status))) return last;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`order ${orderId} stayed ${last?.status ?? 'unknown'} for ${timeoutMs} ms`);
  }
}
