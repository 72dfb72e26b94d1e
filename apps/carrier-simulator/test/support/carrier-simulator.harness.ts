import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  CARRIER_TRACKING_CALLBACK_PATH,
  CarrierClient,
  CarrierMessageVerifier,
  carrierSigningKeyPath,
  carrierTrustedKeyPath,
  ensureCarrierDevKeys,
  InMemoryCarrierReplayCache,
  loadCarrierKeyRing,
  loadCarrierSigner,
  verifyTrackingCallback,
  type CarrierRefusalReason,
  type CarrierRetryPolicy,
  type TrackingEventV1,
} from '#lumen/carrier';
import type { EventSigner, KeyRing } from '#lumen/crypto';
import { createCarrierSimulatorApp } from '../../src/carrier-simulator-app.factory';
import { loadCarrierSimulatorConfig } from '../../src/config/carrier-simulator.config';
import { ensureControlToken } from '../../src/shipments/infrastructure/control-token.file';

export async function expectEventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for: ${what}`);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

/**
 * The merchant's side of tracking callbacks, as fulfilment will run it: verify the raw bytes
 * with the carrier's trusted key and a replay cache, validate the event, deduplicate on the
 * event id. 204 for an event (new or seen), 401 for a refused signature, 400 for a bad event.
 */
export class MerchantCallbackReceiver {
  readonly events: TrackingEventV1[] = [];
  readonly duplicates: TrackingEventV1[] = [];
  readonly refusals: {
    reason: CarrierRefusalReason | 'invalid-event';
    keyId: string | undefined;
  }[] = [];
  /** The next N callbacks are answered 503 before they are looked at (the merchant is down). */
  failNext = 0;
  private readonly server: Server;
  private readonly verifier: CarrierMessageVerifier;

  constructor(carrierKeys: KeyRing) {
    this.verifier = new CarrierMessageVerifier({
      keyRing: carrierKeys,
      signer: 'carrier',
      replayCache: new InMemoryCarrierReplayCache({ ttlMs: 660_000 }),
    });
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        if (request.method !== 'POST' || !request.url?.startsWith(CARRIER_TRACKING_CALLBACK_PATH)) {
          response.writeHead(404).end();
          return;
        }
        if (this.failNext > 0) {
          this.failNext -= 1;
          response.writeHead(503).end();
          return;
        }
        const check = verifyTrackingCallback(this.verifier, {
          path: request.url,
          body,
          headers: request.headers,
        });
        if (!check.ok) {
          this.refusals.push({ reason: check.reason, keyId: check.claimedKeyId });
          response.writeHead(check.reason === 'invalid-event' ? 400 : 401).end();
          return;
        }
        const seen = this.events.some((event) => event.eventId === check.event.eventId);
        (seen ? this.duplicates : this.events).push(check.event);
        response.writeHead(204).end();
      });
    });
  }

  get url(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return `http://127.0.0.1:${address.port}${CARRIER_TRACKING_CALLBACK_PATH}`;
  }

  eventsFor(shipmentReference: string): TrackingEventV1[] {
    return this.events.filter((event) => event.shipmentReference === shipmentReference);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}

export interface CarrierSimulatorHandle {
  readonly baseUrl: string;
  readonly keysDir: string;
  readonly merchantSigner: EventSigner;
  readonly carrierKeys: KeyRing;
  readonly receiver: MerchantCallbackReceiver;
  /** A merchant-side client with its own answer verifier. */
  client(options?: {
    timeoutMs?: number;
    retry?: CarrierRetryPolicy;
    signer?: EventSigner;
  }): CarrierClient;
  /** Calls a simulator control endpoint (`/_test/...`) and returns its JSON. */
  control<T>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Boots the real simulator app on a random port with development keys in a fresh folder, and
 * a merchant callback receiver it sends tracking events to. Tests drive it over HTTP only.
 */
export async function startCarrierSimulator(
  env: Record<string, string> = {},
): Promise<CarrierSimulatorHandle> {
  const keysDir = mkdtempSync(join(tmpdir(), 'lumen-carrier-sim-'));
  ensureCarrierDevKeys(keysDir);
  const carrierKeys = loadCarrierKeyRing(carrierTrustedKeyPath(keysDir, 'carrier'), 'carrier');
  const merchantSigner = loadCarrierSigner(carrierSigningKeyPath(keysDir, 'merchant'), 'merchant');
  const receiver = new MerchantCallbackReceiver(carrierKeys);
  await receiver.listen();
  const config = loadCarrierSimulatorConfig({
    NODE_ENV: 'test',
    CARRIER_KEYS_DIR: keysDir,
    CARRIER_CALLBACK_URL: receiver.url,
    CARRIER_DISPATCH_DELAY_MS: '20',
    CARRIER_DELIVERY_DELAY_MS: '20',
    CARRIER_CALLBACK_ATTEMPTS: '3',
    CARRIER_CALLBACK_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'silent',
    ...env,
  });
  let app: NestFastifyApplication | undefined = await createCarrierSimulatorApp(config, false);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('simulator not listening');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    baseUrl,
    keysDir,
    merchantSigner,
    carrierKeys,
    receiver,
    client: (options = {}) =>
      new CarrierClient({
        baseUrl,
        signer: () => options.signer ?? merchantSigner,
        verifier: new CarrierMessageVerifier({
          keyRing: carrierKeys,
          signer: 'carrier',
          replayCache: new InMemoryCarrierReplayCache({ ttlMs: 660_000 }),
        }),
        timeoutMs: options.timeoutMs ?? 5_000,
        retry: options.retry ?? { attempts: 1, baseDelayMs: 10, maxDelayMs: 50 },
      }),
    control: async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(new URL(`/_test${path}`, baseUrl), {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          authorization: `Bearer ${config.controlToken ?? ensureControlToken(keysDir)}`,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} /_test${path}: ${response.status} ${text}`);
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
    close: async () => {
      await app?.close();
      app = undefined;
      await receiver.close();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}
