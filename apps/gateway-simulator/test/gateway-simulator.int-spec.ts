import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  CertifiedKey,
  encodeCertificate,
  GATEWAY_HEADERS,
  GatewayRootKey,
  GatewayWireClient,
  GatewayWireError,
  InMemoryReplayCache,
  MessageVerifier,
  requestTarget,
  RevocationListPoller,
  signCertificate,
  signMessage,
  type GatewayAnswer,
} from '#lumen/payment-gateway';
import {
  startGatewaySimulator,
  TEST_CARDS,
  type GatewaySimulatorHandle,
} from '../../../test/support/gateway-simulator.harness';

/**
 * The simulator as a merchant meets it: its own HTTP server, its CA, signed requests and
 * answers both ways, revocation, idempotency, and the switches tests use to make it fail.
 */
describe('gateway simulator (over HTTP)', () => {
  let gateway: GatewaySimulatorHandle;
  let poller: RevocationListPoller;
  let merchant: CertifiedKey;
  let client: GatewayWireClient;

  const answerVerifier = () =>
    new MessageVerifier({
      root: gateway.root,
      acceptRole: 'gateway',
      revocations: poller.holder,
      replayCache: new InMemoryReplayCache({ ttlMs: 660_000 }),
    });
  const clientFor = (key: CertifiedKey, timeoutMs = 5_000) =>
    new GatewayWireClient({
      baseUrl: gateway.baseUrl,
      key: () => key,
      verifier: answerVerifier(),
      timeoutMs,
    });
  /** One single-use card token per order, from the hosted card form. */
  const tokens = new Map<string, string>();
  const tokenFor = async (orderId: string, card: keyof typeof TEST_CARDS = 'approved') => {
    const token = tokens.get(orderId) ?? (await gateway.cardToken(card));
    tokens.set(orderId, token);
    return token;
  };
  const authorise = async (
    c: GatewayWireClient,
    orderId: string,
    card: keyof typeof TEST_CARDS = 'approved',
  ) =>
    c.send('POST', '/v1/authorisations', {
      merchantReference: orderId,
      idempotencyKey: orderId,
      amountMinor: 1299,
      currency: 'GBP',
      cardToken: await tokenFor(orderId, card),
    });
  const capture = (c: GatewayWireClient, authorisationId: string, orderId: string) =>
    c.send('POST', `/v1/authorisations/${authorisationId}/capture`, {
      idempotencyKey: orderId,
      amountMinor: 1299,
    });
  const bodyOf = (answer: GatewayAnswer) => answer.body as Record<string, unknown>;
  const errorOf = async (work: Promise<unknown>): Promise<GatewayWireError> => {
    const error = await work.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (!(error instanceof GatewayWireError))
      throw new Error(`expected GatewayWireError: ${String(error)}`);
    return error;
  };

  /** Sends a raw, hand-signed request: what a client would never do. */
  const rawRequest = async (
    key: CertifiedKey,
    body: string,
    tamper: (
      headers: Record<string, string>,
      body: string,
    ) => { headers: Record<string, string>; body: string } = (h, b) => ({ headers: h, body: b }),
    options: { now?: Date; messageId?: string } = {},
  ) => {
    const path = '/v1/authorisations';
    const signed = signMessage(
      key,
      { kind: 'request', target: requestTarget('POST', path), body },
      options,
    );
    const sent = tamper(signed, body);
    const response = await fetch(new URL(path, gateway.baseUrl), {
      method: 'POST',
      headers: { ...sent.headers, 'content-type': 'application/json' },
      body: sent.body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    gateway = await startGatewaySimulator();
    poller = new RevocationListPoller({
      url: `${gateway.baseUrl}/revocation-list`,
      root: gateway.root,
      intervalMs: 1_000,
    });
    await poller.start();
    merchant = await gateway.enrol('lumen-shop');
    client = clientFor(merchant);
  });

  afterAll(async () => {
    poller.stop();
    await gateway.close();
  });

  afterEach(() => gateway.resetSwitches());

  it('refuses enrolment without the operator token, or without proof of the key', async () => {
    const keyPair = CertifiedKey.generateKeyPair();
    const unauthenticated = await fetch(new URL('/operator/enrolments', gateway.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
      body: '{}',
    });
    expect(unauthenticated.status).toBe(401);
    const other = CertifiedKey.generateKeyPair();
    const { buildEnrolmentRequest } = await import('#lumen/payment-gateway');
    const request = buildEnrolmentRequest('lumen-shop', keyPair);
    const forged = { ...request, proof: buildEnrolmentRequest('lumen-shop', other).proof };
    const refused = await gateway.operator('POST', '/operator/enrolments', forged);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/proof/);
  });

  it('authorises and captures with signed requests and verified answers; counts one charge', async () => {
    const orderId = randomUUID();
    const authorised = await authorise(client, orderId);
    expect(authorised.status).toBe(201);
    expect(bodyOf(authorised)).toMatchObject({ status: 'authorised', merchantReference: orderId });
    const captured = await capture(client, String(bodyOf(authorised).authorisationId), orderId);
    expect(bodyOf(captured)).toMatchObject({ status: 'captured', capturedMinor: 1299 });
    expect((await gateway.journal(orderId)).charges).toBe(1);
  });

  it('answers a repeated idempotency key with the first answer, and charges once', async () => {
    const orderId = randomUUID();
    const first = await authorise(client, orderId);
    const again = await authorise(client, orderId);
    expect(bodyOf(again).authorisationId).toBe(bodyOf(first).authorisationId);
    const authorisationId = String(bodyOf(first).authorisationId);
    await capture(client, authorisationId, orderId);
    const repeated = await capture(client, authorisationId, orderId);
    expect(repeated.status).toBe(201);
    const journal = await gateway.journal(orderId);
    expect(journal.charges).toBe(1);
    expect(journal.entries.map((e) => `${e.operation}:${e.outcome}`)).toEqual([
      'authorise:applied',
      'authorise:replayed',
      'capture:applied',
      'capture:replayed',
    ]);
    const conflict = await client.send('POST', '/v1/authorisations', {
      merchantReference: orderId,
      idempotencyKey: orderId,
      amountMinor: 1,
      currency: 'GBP',
      cardToken: 'tok_visa',
    });
    expect(conflict.status).toBe(409);
  });

  it('declines by switch and by test card, and never captures a declined payment', async () => {
    await gateway.setSwitches({ outcome: 'decline' });
    const declined = await authorise(client, randomUUID());
    expect(bodyOf(declined)).toMatchObject({ status: 'declined', declineCode: 'do-not-honour' });
    await gateway.resetSwitches();
    const orderId = randomUUID();
    const poor = await authorise(client, orderId, 'insufficientFunds');
    expect(bodyOf(poor)).toMatchObject({ declineCode: 'insufficient-funds' });
    expect(bodyOf(await authorise(client, randomUUID(), 'declined'))).toMatchObject({
      declineCode: 'do-not-honour',
    });
    const refused = await capture(client, String(bodyOf(poor).authorisationId), orderId);
    expect(refused.status).toBe(422);
    expect((await gateway.journal(orderId)).charges).toBe(0);
  });

  it('tokenises cards in its hosted form; a token pays for one authorisation only', async () => {
    const form = (body: unknown) =>
      fetch(new URL('/hosted-form/tokens', gateway.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const bad of [
      { cardNumber: '4242424242424241', expiry: '12/30', cvc: '123' },
      { cardNumber: '4242424242424242', expiry: '01/20', cvc: '123' },
      { cardNumber: '4242424242424242', expiry: '12/30', cvc: '12' },
    ]) {
      const refused = await form(bad);
      expect(refused.status).toBe(400);
      expect(await refused.text()).not.toContain('424242424242');
    }
    const issued = (await (
      await form({ cardNumber: '4242 4242 4242 4242', expiry: '12/30', cvc: '123' })
    ).json()) as {
      token: string;
      last4: string;
    };
    expect(issued.token).toMatch(/^tok_[A-Za-z0-9_-]{24}$/);
    expect(issued.last4).toBe('4242');

    const first = randomUUID();
    tokens.set(first, issued.token);
    expect(bodyOf(await authorise(client, first))).toMatchObject({ status: 'authorised' });
    const second = randomUUID();
    tokens.set(second, issued.token);
    expect(bodyOf(await authorise(client, second))).toMatchObject({
      status: 'declined',
      declineCode: 'invalid-card-token',
    });
    const journal = await gateway.journal(first);
    expect(journal.entries[0]).toMatchObject({ operation: 'authorise', cardToken: issued.token });
  });

  describe('refuses, audits, and changes nothing for', () => {
    const body = () =>
      JSON.stringify({
        merchantReference: randomUUID(),
        idempotencyKey: randomUUID(),
        amountMinor: 100,
        currency: 'GBP',
        cardToken: 'tok_visa',
      });

    async function expectRefused(
      result: { status: number; body: Record<string, unknown> },
      reason: string,
    ): Promise<void> {
      expect(result.status).toBe(401);
      expect(result.body).toEqual({ code: 'unauthenticated', reason });
      const refusals = await gateway.refusals();
      expect(refusals.at(-1)).toMatchObject({ reason, path: '/v1/authorisations' });
    }

    it('a changed byte', async () => {
      const sent = body();
      await expectRefused(
        await rawRequest(merchant, sent, (headers) => ({
          headers,
          body: sent.replace('"amountMinor":100', '"amountMinor":900'),
        })),
        'bad-signature',
      );
    });

    it('a key with no certificate, and a self-issued certificate', async () => {
      await expectRefused(
        await rawRequest(merchant, body(), (headers, b) => {
          const { [GATEWAY_HEADERS.certificate]: _dropped, ...rest } = headers;
          return { headers: rest, body: b };
        }),
        'unknown-key',
      );
      const { privateKey, publicKey } = CertifiedKey.generateKeyPair();
      const { signature: _s, ...template } = GatewayRootKey.generate().issue({
        role: 'merchant',
        subject: 'lumen-shop',
        publicKey,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
      });
      const selfIssued = new CertifiedKey(
        privateKey,
        signCertificate({ ...template, issuerKeyId: template.keyId }, privateKey),
      );
      await expectRefused(await rawRequest(selfIssued, body()), 'self-issued');
    });

    it('a certificate from another root', async () => {
      const rogueRoot = GatewayRootKey.generate();
      const { privateKey, publicKey } = CertifiedKey.generateKeyPair();
      const certificate = rogueRoot.issue({
        role: 'merchant',
        subject: 'lumen-shop',
        publicKey,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
      });
      await expectRefused(
        await rawRequest(new CertifiedKey(privateKey, certificate), body()),
        'untrusted-issuer',
      );
      // Someone else's genuine certificate does not help either: it names another key.
      await expectRefused(
        await rawRequest(new CertifiedKey(privateKey, certificate), body(), (headers, b) => ({
          headers: {
            ...headers,
            [GATEWAY_HEADERS.certificate]: encodeCertificate(merchant.certificate),
          },
          body: b,
        })),
        'unknown-key',
      );
    });

    it('a timestamp more than 300 s off either way', async () => {
      for (const offset of [-301_000, 301_000]) {
        await expectRefused(
          await rawRequest(merchant, body(), undefined, { now: new Date(Date.now() + offset) }),
          'stale-timestamp',
        );
      }
    });

    it('a message id already seen', async () => {
      const sent = body();
      const messageId = randomUUID();
      const first = await rawRequest(merchant, sent, undefined, { messageId });
      expect(first.status).toBe(201);
      await expectRefused(await rawRequest(merchant, sent, undefined, { messageId }), 'replayed');
      const reference = (JSON.parse(sent) as { merchantReference: string }).merchantReference;
      expect((await gateway.journal(reference)).entries).toHaveLength(1);
    });
  });

  it('merchant side: refuses an answer signed by the wrong key, and 5xx, slow and lost answers', async () => {
    await gateway.setSwitches({ answerKey: 'rogue' });
    const wrongKey = await errorOf(authorise(client, randomUUID()));
    expect(wrongKey).toMatchObject({ code: 'unverified-answer', refusal: 'self-issued' });

    await gateway.setSwitches({ answerKey: 'gateway', serverErrors: 2 });
    const orderId = randomUUID();
    expect(await errorOf(authorise(client, orderId))).toMatchObject({ code: 'gateway-error' });
    expect(await errorOf(authorise(client, orderId))).toMatchObject({ code: 'gateway-error' });
    expect((await gateway.journal(orderId)).entries).toHaveLength(0);
    const authorised = await authorise(client, orderId);

    // The capture is applied but its answer comes too late: the retry with the same
    // idempotency key gets the first answer, and the card is charged once.
    await gateway.setSwitches({ answerDelayMs: 1_500 });
    const authorisationId = String(bodyOf(authorised).authorisationId);
    const timedOut = await errorOf(capture(clientFor(merchant, 300), authorisationId, orderId));
    expect(timedOut).toMatchObject({ code: 'timeout', retryable: true });
    await gateway.setSwitches({ answerDelayMs: 0 });
    const retried = await capture(client, authorisationId, orderId);
    expect(bodyOf(retried)).toMatchObject({ status: 'captured' });
    expect((await gateway.journal(orderId)).charges).toBe(1);
  });

  it('delivers signed notifications, twice under the duplicate switch, with one notification id', async () => {
    const received: { headers: IncomingMessage['headers']; body: Buffer; path: string }[] = [];
    const webhook: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          headers: request.headers,
          body: Buffer.concat(chunks),
          path: request.url ?? '',
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const port = (webhook.address() as { port: number }).port;
    try {
      const shop = await gateway.enrol('notified-shop', {
        notificationUrl: `http://127.0.0.1:${port}/gateway/notifications`,
      });
      await gateway.setSwitches({ duplicateNotifications: true });
      const shopClient = clientFor(shop);
      const orderId = randomUUID();
      const authorised = await authorise(shopClient, orderId);
      await capture(shopClient, String(bodyOf(authorised).authorisationId), orderId);
      await gateway.deliveries();
      expect(received).toHaveLength(2);
      const verifier = answerVerifier();
      const ids = received.map((message) => {
        const check = verifier.verify({
          kind: 'notification',
          target: message.path,
          body: message.body,
          headers: message.headers,
        });
        expect(check.ok).toBe(true);
        return JSON.parse(message.body.toString('utf8')) as {
          notificationId: string;
          type: string;
        };
      });
      expect(ids[0]).toEqual(ids[1]);
      expect(ids[0]).toMatchObject({ type: 'payment.captured', merchantReference: orderId });
    } finally {
      await new Promise((resolve) => webhook.close(resolve));
    }
  });

  it('rotates a merchant key with overlap, then revokes the old one at once at the gateway', async () => {
    const shop = await gateway.enrol('rotating-shop');
    const next = await gateway.enrol('rotating-shop');
    expect((await authorise(clientFor(shop), randomUUID())).status).toBe(201);
    expect((await authorise(clientFor(next), randomUUID())).status).toBe(201);
    await gateway.revoke(shop.keyId, 'rotated');
    const refused = await rawRequest(
      shop,
      JSON.stringify({
        merchantReference: randomUUID(),
        idempotencyKey: randomUUID(),
        amountMinor: 100,
        currency: 'GBP',
        cardToken: 'tok_visa',
      }),
    );
    expect(refused).toMatchObject({ status: 401, body: { reason: 'revoked' } });
    expect((await authorise(clientFor(next), randomUUID())).status).toBe(201);
    const reenrol = await gateway.operator('POST', '/operator/revocations', {
      keyId: 'rotating-shop:0000000000000000',
      reason: 'x',
    });
    expect(reenrol.status).toBe(404);
  });

  it('publishes the revocation on its signed list, which merchant-side verifiers poll', async () => {
    const shop = await gateway.enrol('listed-shop');
    await gateway.revoke(shop.keyId, 'server stolen');
    await poller.refresh();
    expect(
      poller.holder.current()?.revocationOf(shop.certificate.serial, shop.keyId),
    ).toMatchObject({
      reason: 'server stolen',
    });
  });

  it('revocation reaches a polling verifier within one poll interval; time-to-revoke printed', async () => {
    // A verifier like the payment service's: default 10 s poll, 60 s maximum staleness.
    const intervalMs = 10_000;
    const replica = new RevocationListPoller({
      url: `${gateway.baseUrl}/revocation-list`,
      root: gateway.root,
      intervalMs,
    });
    await replica.start();
    const verifier = new MessageVerifier({
      root: gateway.root,
      acceptRole: 'merchant',
      revocations: replica.holder,
      replayCache: new InMemoryReplayCache({ ttlMs: 660_000 }),
    });
    const shop = await gateway.enrol('revoked-shop');
    const probe = () => {
      const message = { kind: 'request' as const, target: 'POST /v1/authorisations', body: '{}' };
      return verifier.verify({ ...message, headers: signMessage(shop, message) });
    };
    try {
      expect(probe().ok).toBe(true);
      const revokedAt = performance.now();
      await gateway.revoke(shop.keyId, 'server stolen');
      let check = probe();
      while (check.ok) {
        if (performance.now() - revokedAt > 60_000) throw new Error('not revoked within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
        check = probe();
      }
      const timeToRevokeMs = Math.round(performance.now() - revokedAt);
      console.log(
        `time-to-revoke at a polling verifier: ${timeToRevokeMs} ms (poll interval ${intervalMs} ms)`,
      );
      expect(check).toMatchObject({ ok: false, reason: 'revoked' });
      expect(timeToRevokeMs).toBeLessThanOrEqual(intervalMs + 5_000);
    } finally {
      replica.stop();
    }
  });

  it('fails closed when its revocation list goes stale: answers refused although the gateway answers', async () => {
    let cut = false;
    const staleAfterMs = 1_500;
    const isolated = new RevocationListPoller({
      url: `${gateway.baseUrl}/revocation-list`,
      root: gateway.root,
      intervalMs: 200,
      fetch: (input, init) =>
        cut ? Promise.reject(new Error('network partition')) : fetch(input, init),
    });
    await isolated.start();
    const isolatedClient = new GatewayWireClient({
      baseUrl: gateway.baseUrl,
      key: () => merchant,
      verifier: new MessageVerifier({
        root: gateway.root,
        acceptRole: 'gateway',
        revocations: isolated.holder,
        replayCache: new InMemoryReplayCache({ ttlMs: 660_000 }),
        maxRevocationAgeMs: staleAfterMs,
      }),
    });
    try {
      expect((await authorise(isolatedClient, randomUUID())).status).toBe(201);
      cut = true;
      await new Promise((resolve) => setTimeout(resolve, staleAfterMs + 300));
      expect(await errorOf(authorise(isolatedClient, randomUUID()))).toMatchObject({
        code: 'unverified-answer',
        refusal: 'revocation-stale',
      });
      cut = false;
      await isolated.refresh();
      expect((await authorise(isolatedClient, randomUUID())).status).toBe(201);
    } finally {
      isolated.stop();
    }
  });
});
