import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SERVICE_NAMES } from '#lumen/contracts';
import {
  ensureServiceKeys,
  loadEventSigner,
  signServiceRequest,
  type EventSigner,
} from '#lumen/crypto';
import {
  expectCleanRefusal,
  FUZZ_RUNS,
  hostileBodyText,
  hostilePathSegment,
  hostileString,
  oversizedJsonBody,
  rowCounts,
  send,
  sendDeclaringLength,
} from '../../../test/support/hostile-input';
import {
  startPrivacyService,
  type PrivacyServiceHandle,
} from '../../../test/support/privacy-service.harness';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen';
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

/**
 * The key service under hostile input, on the real app and PostgreSQL: signed requests (by a
 * genuine service key, so the body and id checks are reached) and forged ones never yield a
 * 5xx, and a refused one creates, hands out or destroys no key and publishes nothing. Refusals
 * are written to the append-only `key_audit` trail by design; that table alone may grow.
 */
describe('key service under hostile input (fuzz)', () => {
  let keysDir: string;
  let privacy: PrivacyServiceHandle;
  let checkout: EventSigner;
  const recipientKey = () =>
    generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }).x ?? '';

  beforeAll(async () => {
    keysDir = mkdtempSync(join(tmpdir(), 'lumen-privacy-fuzz-'));
    ensureServiceKeys(keysDir, SERVICE_NAMES);
    checkout = loadEventSigner(keysDir, 'checkout');
    privacy = await startPrivacyService({
      keysDir,
      databaseUrl: DATABASE_URL,
      kafkaBrokers: KAFKA_BROKERS,
    });
  });
  afterAll(async () => {
    await privacy.close();
    rmSync(keysDir, { recursive: true, force: true });
  });

  const everything = () => rowCounts(privacy.dataSource, privacy.schema, ['key_audit']);
  const signedCall = (method: string, path: string, body: string | undefined, sign: boolean) =>
    send(`${privacy.baseUrl}${path}`, {
      method,
      headers: {
        ...(sign ? signServiceRequest(checkout, { method, path, body }) : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
    });

  it('POST /keys, GET and DELETE /keys/:keyId: hostile bodies and ids never yield a 5xx; a refused one changes nothing', async () => {
    const validCreate = {
      subject: 'customer:fuzz',
      purpose: 'customer-contact',
      allowedServices: ['checkout'],
      recipientKey: recipientKey(),
    };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileBodyText(validCreate).map((body) => ({ method: 'POST', path: '/keys', body })),
          fc
            .tuple(hostilePathSegment(), fc.constantFrom('', `?recipient=${recipientKey()}`))
            .map(([id, query]) => ({
              method: 'GET',
              path: `/keys/${id}${query}`,
              body: undefined,
            })),
          fc
            .tuple(hostilePathSegment(), hostileBodyText({ reason: 'customer erased' }))
            .map(([id, body]) => ({ method: 'DELETE', path: `/keys/${id}`, body })),
        ),
        fc.boolean(),
        async ({ method, path, body }, sign) => {
          const before = await everything();
          const answer = await signedCall(method, path, body, sign);
          expect({ path, body, ok: answer.status > 0 && answer.status < 500 }).toEqual({
            path,
            body,
            ok: true,
          });
          // A mutation can leave a valid request (another purpose, say): that one creates a key.
          if (answer.status >= 300) expect(await everything()).toEqual(before);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('forged signature headers are refused with a 401, changing nothing', async () => {
    const headerValue = hostileString().filter((value) => /^[\t\x20-\x7e]*$/.test(value));
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            ...Object.keys(signServiceRequest(checkout, { method: 'GET', path: '/keys/x' })),
          ),
          headerValue,
        ),
        async (headers) => {
          const before = await everything();
          const answer = await send(`${privacy.baseUrl}/keys/dk_fuzz`, { method: 'GET', headers });
          expectCleanRefusal(answer, { headers });
          expect(await everything()).toEqual(before);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    const before = await everything();
    const body = oversizedJsonBody(16 * 1024);
    const answer = await signedCall('POST', '/keys', body, true);
    expect(answer.status).toBe(413);
    expect(await sendDeclaringLength(`${privacy.baseUrl}/keys`, 10 * 1024 * 1024)).toBe(413);
    expect(await everything()).toEqual(before);
  });
});
