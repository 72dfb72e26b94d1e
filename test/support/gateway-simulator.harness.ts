import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  buildEnrolmentRequest,
  CertifiedKey,
  gatewayCertificateSchema,
  pinnedRootFromFile,
  type PinnedRoot,
  type PinnedRootFile,
} from '#lumen/payment-gateway';
import { loadGatewaySimulatorConfig } from '../../apps/gateway-simulator/src/config/gateway-simulator.config';
import { createGatewaySimulatorApp } from '../../apps/gateway-simulator/src/gateway-simulator-app.factory';

/**
 * The payment-gateway simulator booted in-process on a random port, with its CA in a
 * throwaway folder, and the operator calls a test makes: enrol a merchant key, revoke it,
 * set switches, read the journal. Everything goes over HTTP, as it would to a real gateway.
 */
export interface GatewaySimulatorHandle {
  readonly baseUrl: string;
  readonly operatorToken: string;
  readonly root: PinnedRoot;
  enrol(merchantId: string, options?: { notificationUrl?: string }): Promise<CertifiedKey>;
  revoke(keyId: string, reason?: string): Promise<void>;
  setSwitches(switches: Record<string, unknown>): Promise<void>;
  resetSwitches(): Promise<void>;
  journal(merchantReference: string): Promise<{ charges: number; entries: JournalEntry[] }>;
  refusals(): Promise<{ reason: string; claimedKeyId: string | null; path: string }[]>;
  deliveries(): Promise<{ notificationId: string; type: string; status: number | null }[]>;
  operator(method: string, path: string, body?: unknown): Promise<Response>;
  /** What a storefront's browser does: card to the hosted form, single-use token back. */
  cardToken(card?: keyof typeof TEST_CARDS): Promise<string>;
  close(): Promise<void>;
}

/** The simulator's test cards (apps/gateway-simulator/README.md). */
export const TEST_CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
} as const;

export interface JournalEntry {
  operation: string;
  cardToken?: string;
  outcome: string;
  charged: boolean;
  idempotencyKey: string;
  keyId: string;
}

export async function startGatewaySimulator(): Promise<GatewaySimulatorHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lumen-gateway-'));
  const operatorToken = randomBytes(32).toString('base64url');
  const app: NestFastifyApplication = await createGatewaySimulatorApp(
    loadGatewaySimulatorConfig({
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_OPERATOR_TOKEN: operatorToken,
      LOG_LEVEL: 'silent',
    }),
    false,
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  const operator = (method: string, path: string, body?: unknown) =>
    fetch(new URL(path, baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${operatorToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const json = async <T>(response: Response): Promise<T> => {
    if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
  const root = pinnedRootFromFile(
    await json<PinnedRootFile>(await fetch(new URL('/root', baseUrl))),
  );

  return {
    baseUrl,
    operatorToken,
    root,
    operator,
    async enrol(merchantId, options = {}) {
      const keyPair = CertifiedKey.generateKeyPair();
      const answer = await json<{ certificate: unknown }>(
        await operator(
          'POST',
          '/operator/enrolments',
          buildEnrolmentRequest(merchantId, keyPair, options),
        ),
      );
      return new CertifiedKey(
        keyPair.privateKey,
        gatewayCertificateSchema.parse(answer.certificate),
      );
    },
    async cardToken(card = 'approved') {
      const response = await fetch(new URL('/hosted-form/tokens', baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cardNumber: TEST_CARDS[card], expiry: '12/30', cvc: '123' }),
      });
      return (await json<{ token: string }>(response)).token;
    },
    async revoke(keyId, reason = 'compromised') {
      await json(await operator('POST', '/operator/revocations', { keyId, reason }));
    },
    async setSwitches(switches) {
      await json(await operator('PUT', '/test/switches', switches));
    },
    async resetSwitches() {
      await json(await operator('DELETE', '/test/switches'));
    },
    async journal(reference) {
      return json(
        await operator('GET', `/test/journal?merchantReference=${encodeURIComponent(reference)}`),
      );
    },
    async refusals() {
      return json(await operator('GET', '/test/refusals'));
    },
    async deliveries() {
      return json(await operator('GET', '/test/deliveries'));
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
