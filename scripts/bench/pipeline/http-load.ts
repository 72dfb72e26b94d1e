import { Agent, request } from 'node:http';

/**
 * The load generator's HTTP side: one keep-alive agent per target, so a thousand orders a
 * second reuse a few hundred sockets instead of opening one each (fetch's default pool and
 * a fresh connection per request both cost more CPU than the services we are measuring).
 */
export class KeepAliveClient {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(baseUrl: string, maxSockets: number) {
    this.base = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  postJson(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<{ status: number; body: string }> {
    const payload = Buffer.from(JSON.stringify(body));
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          method: 'POST',
          path,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(payload.length),
          },
          timeout: timeoutMs,
          ...(options.signal && { signal: options.signal }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`POST ${path}: no answer in ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Calls `operation` `count` times at `ratePerSecond`, open loop: a slow answer never delays
 * the next request (a closed loop would hide saturation by slowing down with the system).
 * Due operations are started in small bursts every few milliseconds, since timers cannot
 * fire once a millisecond reliably. Resolves when every operation has settled.
 */
export async function openLoop(
  ratePerSecond: number,
  count: number,
  operation: (i: number) => Promise<void>,
): Promise<{ startedAt: number; lastIssuedAt: number }> {
  const startedAt = Date.now();
  const inFlight: Promise<void>[] = [];
  let issued = 0;
  while (issued < count) {
    const due = Math.min(count, Math.floor(((Date.now() - startedAt) * ratePerSecond) / 1000) + 1);
    for (; issued < due; issued += 1) inFlight.push(operation(issued));
    if (issued < count) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const lastIssuedAt = Date.now();
  await Promise.all(inFlight);
  return { startedAt, lastIssuedAt };
}

/** Runs `operation` over `items` with at most `concurrency` in flight; results in order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  operation: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await operation(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
