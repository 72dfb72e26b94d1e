import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { requestTarget, signMessage, type CertifiedKey } from '#lumen/payment-gateway';
import {
  startGatewaySimulator,
  type GatewaySimulatorHandle,
} from '../../../test/support/gateway-simulator.harness';
import {
  FUZZ_RUNS,
  hostileBodyText,
  hostilePathSegment,
  oversizedJsonBody,
  send,
  sendDeclaringLength,
  type FuzzAnswer,
} from '../../../test/support/hostile-input';

/**
 * The payment-gateway simulator under hostile input: its merchant API (signed by an enrolled
 * merchant key, so the body checks are reached, or not signed), its hosted card form, its
 * operator API and its test controls never answer 5xx or drop the connection, and a refused
 * merchant request adds nothing to the journal (no authorisation, no charge).
 */
describe('gateway simulator under hostile input (fuzz)', () => {
  let gateway: GatewaySimulatorHandle;
  let merchant: CertifiedKey;

  beforeAll(async () => {
    gateway = await startGatewaySimulator();
    merchant = await gateway.enrol('fuzz-shop');
  });
  afterAll(async () => {
    await gateway.close();
  });

  const journalSize = async () => {
    const response = await gateway.operator('GET', '/test/journal');
    return ((await response.json()) as { entries: unknown[] }).entries.length;
  };
  const noServerError = (what: unknown, answer: FuzzAnswer) => {
    expect({ what, ok: answer.status > 0 && answer.status < 500 }).toEqual({ what, ok: true });
  };

  it('merchant API: hostile bodies and ids, signed or not, never yield a 5xx; a refused one changes nothing', async () => {
    const validAuthorisation = {
      merchantReference: randomUUID(),
      idempotencyKey: randomUUID(),
      amountMinor: 1299,
      currency: 'GBP',
      cardToken: 'tok_fuzz',
    };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant('/v1/authorisations'),
          hostilePathSegment().map((id) => `/v1/authorisations/${id}/capture`),
          hostilePathSegment().map((id) => `/v1/authorisations/${id}/void`),
          hostilePathSegment().map((id) => `/v1/captures/${id}/refunds`),
        ),
        hostileBodyText(validAuthorisation),
        fc.boolean(),
        async (path, body, signed) => {
          const headers = signed
            ? signMessage(merchant, { kind: 'request', target: requestTarget('POST', path), body })
            : {};
          const before = await journalSize();
          const answer = await send(new URL(path, gateway.baseUrl).href, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body,
          });
          noServerError({ path, body }, answer);
          // A mutation can leave a valid request (any `tok_` token is a card here): that one
          // is authorised and journaled, as a real gateway would.
          if (answer.status >= 300) expect(await journalSize()).toBe(before);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('hosted card form, operator API and test controls: hostile input never yields a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileBodyText({ cardNumber: '4242424242424242', expiry: '12/30', cvc: '123' }).map(
            (body) => ({ method: 'POST', path: '/hosted-form/tokens', body, operator: false }),
          ),
          hostileBodyText({ keyId: 'key_fuzz', reason: 'compromised' }).map((body) => ({
            method: 'POST',
            path: '/operator/revocations',
            body,
            operator: true,
          })),
          hostileBodyText({ merchantId: 'fuzz', publicKey: 'x', proof: 'y' }).map((body) => ({
            method: 'POST',
            path: '/operator/enrolments',
            body,
            operator: true,
          })),
          hostileBodyText({ declineNext: 1 }).map((body) => ({
            method: 'PUT',
            path: '/test/switches',
            body,
            operator: true,
          })),
          hostilePathSegment().map((q) => ({
            method: 'GET',
            path: `/test/journal?merchantReference=${q}`,
            body: undefined,
            operator: true,
          })),
        ),
        async ({ method, path, body, operator }) => {
          const answer = await send(new URL(path, gateway.baseUrl).href, {
            method,
            headers: {
              ...(operator ? { authorization: `Bearer ${gateway.operatorToken}` } : {}),
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body,
          });
          noServerError({ path, body }, answer);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    await gateway.resetSwitches();
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    for (const path of ['/v1/authorisations', '/hosted-form/tokens', '/operator/enrolments']) {
      const url = new URL(path, gateway.baseUrl).href;
      const answer = await send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: oversizedJsonBody(32 * 1024),
      });
      expect({ path, status: answer.status }).toEqual({ path, status: 413 });
      expect({ path, status: await sendDeclaringLength(url, 10 * 1024 * 1024) }).toEqual({
        path,
        status: 413,
      });
    }
  });
});
