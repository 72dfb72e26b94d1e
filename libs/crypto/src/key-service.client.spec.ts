import {
  EventSigner,
  generateDataKey,
  generateSigningKey,
  KeyRing,
  KeyServiceClient,
  KeyServiceError,
  sealKeyForRecipient,
  sealKeysForRecipient,
  verifyServiceRequest,
  type CreateKeyRequest,
  type DataKey,
} from '#lumen/crypto';

/** Stands in for the key service's HTTP answers only; the real service is tested in apps/privacy. */
function fakeKeyService() {
  const checkout = generateSigningKey('checkout');
  const ring = new KeyRing([checkout.trusted]);
  const key = generateDataKey();
  const calls: string[] = [];
  let status = 200;
  let release: (() => void) | undefined;
  const fetchStub = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const method = init?.method ?? 'GET';
    const headers = init?.headers as Record<string, string>;
    const body = typeof init?.body === 'string' ? init.body : '';
    const check = verifyServiceRequest(ring, {
      method,
      path: url.pathname + url.search,
      body,
      headers,
    });
    const recipient =
      url.searchParams.get('recipient') ??
      (body === '' ? '' : ((JSON.parse(body) as { recipientKey?: string }).recipientKey ?? ''));
    calls.push(`${method} ${url.pathname} ${check.ok ? 'signed' : 'unsigned'}`);
    if (release === undefined) {
      await Promise.resolve();
    } else {
      await new Promise<void>((resolve) => (release = resolve));
    }
    const answer =
      status === 200
        ? {
            keyId: key.keyId,
            subject: 'customer:1',
            purpose: 'customer-contact',
            allowedServices: ['checkout'],
            sealedKey: recipient === '' ? undefined : sealKeyForRecipient(key, recipient),
            destroyedAt: '2026-11-25T10:00:00.000Z',
          }
        : { message: 'not for you' };
    return new Response(JSON.stringify(answer), { status });
  };
  return {
    key,
    calls,
    signer: new EventSigner(checkout.signing),
    fetch: fetchStub,
    setStatus: (s: number) => (status = s),
    hold: () => (release = () => undefined),
    release: () => {
      const r = release;
      release = undefined;
      r?.();
    },
  };
}

describe('KeyServiceClient', () => {
  it('signs its requests and reuses a fetched key until maxAgeMs has passed', async () => {
    const service = fakeKeyService();
    let now = 0;
    const client = new KeyServiceClient({
      baseUrl: 'http://keys.test',
      signer: service.signer,
      fetch: service.fetch,
      clock: () => now,
      maxAgeMs: 1_000,
    });
    const first = await client.getKey(service.key.keyId);
    expect(first.exportMaterial().equals(service.key.exportMaterial())).toBe(true);
    now = 999;
    await client.getKey(service.key.keyId);
    expect(service.calls).toEqual([`GET /keys/${service.key.keyId} signed`]);
    now = 1_000;
    await client.getKey(service.key.keyId);
    expect(service.calls).toHaveLength(2);
  });

  it('asks again after evict, and a fetch in flight during evict is not cached', async () => {
    const service = fakeKeyService();
    const client = new KeyServiceClient({
      baseUrl: 'http://keys.test',
      signer: service.signer,
      fetch: service.fetch,
    });
    await client.getKey(service.key.keyId);
    client.evict(service.key.keyId);
    service.hold();
    const inFlight = client.getKey(service.key.keyId);
    await new Promise((resolve) => setImmediate(resolve));
    client.evict(service.key.keyId);
    service.release();
    await inFlight;
    await client.getKey(service.key.keyId);
    expect(service.calls).toHaveLength(3);
  });

  it('shares one request among concurrent readers of a key', async () => {
    const service = fakeKeyService();
    const client = new KeyServiceClient({
      baseUrl: 'http://keys.test',
      signer: service.signer,
      fetch: service.fetch,
    });
    const keys = await Promise.all([1, 2, 3].map(() => client.getKey(service.key.keyId)));
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(1);
    expect(service.calls).toHaveLength(1);
  });

  it('holds at most maxEntries keys, dropping the oldest', async () => {
    const service = fakeKeyService();
    const client = new KeyServiceClient({
      baseUrl: 'http://keys.test',
      signer: service.signer,
      fetch: service.fetch,
      maxEntries: 0,
    });
    await client.getKey(service.key.keyId);
    await client.getKey(service.key.keyId);
    expect(service.calls).toHaveLength(2);
  });

  it('seals and opens through the fetched key', async () => {
    const service = fakeKeyService();
    const client = new KeyServiceClient({
      baseUrl: 'http://keys.test',
      signer: service.signer,
      fetch: service.fetch,
    });
    const context = { field: 'customer.email', subject: 'customer:1' };
    const sealed = await client.seal('ada@example.com', service.key.keyId, context);
    expect(await client.open(sealed, context)).toBe('ada@example.com');
  });

  it('turns refusals into KeyServiceError codes, and forgets a destroyed key', async () => {
    const service = fakeKeyService();
    const client = new KeyServiceClient({
      baseUrl: 'http://keys.test',
      signer: service.signer,
      fetch: service.fetch,
    });
    await client.getKey(service.key.keyId);
    await client.destroyKey(service.key.keyId, 'payment confirmed');
    service.setStatus(410);
    const error: unknown = await client.getKey(service.key.keyId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyServiceError);
    expect(error).toMatchObject({ code: 'destroyed', status: 410 });
    service.setStatus(403);
    await expect(client.getKey(service.key.keyId)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('reports an unreachable service as unavailable', async () => {
    const service = fakeKeyService();
    const client = new KeyServiceClient({
      baseUrl: 'http://keys.test',
      signer: service.signer,
      fetch: () => Promise.reject(new Error('ECONNREFUSED')),
    });
    await expect(client.getKey(service.key.keyId)).rejects.toMatchObject({
      code: 'unavailable',
      transient: true,
    });
  });

  it('marks only an outage as transient, never a refusal', async () => {
    const service = fakeKeyService();
    const client = new KeyServiceClient({
      baseUrl: 'http://keys.test',
      signer: service.signer,
      fetch: service.fetch,
    });
    service.setStatus(403);
    await expect(client.getKey(service.key.keyId)).rejects.toMatchObject({
      code: 'forbidden',
      transient: false,
    });
    service.setStatus(503);
    await expect(client.getKey(service.key.keyId)).rejects.toMatchObject({
      code: 'unavailable',
      transient: true,
    });
  });

  describe('creating keys', () => {
    /** Answers POST /keys and /keys/batch with fresh keys; GET with the key if it knows it. */
    function fakeCreator(reorder = false) {
      const checkout = generateSigningKey('checkout');
      const ring = new KeyRing([checkout.trusted]);
      const issued = new Map<string, DataKey>();
      const calls: string[] = [];
      const answerFor = (request: CreateKeyRequest, key: DataKey, recipientKey: string) => ({
        keyId: key.keyId,
        subject: request.subject,
        purpose: request.purpose,
        allowedServices: request.allowedServices,
        created: true,
        sealedKey: sealKeyForRecipient(key, recipientKey),
      });
      const fetchStub = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
        const url = new URL(input instanceof Request ? input.url : input);
        const method = init?.method ?? 'GET';
        const body = typeof init?.body === 'string' ? init.body : '';
        const check = verifyServiceRequest(ring, {
          method,
          path: url.pathname + url.search,
          body,
          headers: init?.headers as Record<string, string>,
        });
        calls.push(`${method} ${url.pathname} ${check.ok ? 'signed' : 'unsigned'}`);
        if (method === 'GET') {
          const key = issued.get(decodeURIComponent(url.pathname.slice('/keys/'.length)));
          const recipient = url.searchParams.get('recipient') ?? '';
          return Promise.resolve(
            key === undefined
              ? new Response(JSON.stringify({ message: 'not for you' }), { status: 403 })
              : new Response(
                  JSON.stringify({
                    keyId: key.keyId,
                    subject: 'customer:1',
                    purpose: 'customer-contact',
                    allowedServices: ['checkout'],
                    sealedKey: sealKeyForRecipient(key, recipient),
                  }),
                ),
          );
        }
        const parsed = JSON.parse(body) as CreateKeyRequest & {
          keys?: CreateKeyRequest[];
          recipientKey: string;
        };
        if (url.pathname === '/keys') {
          const key = generateDataKey();
          if (parsed.allowedServices.includes('checkout')) issued.set(key.keyId, key);
          return Promise.resolve(
            new Response(JSON.stringify(answerFor(parsed, key, parsed.recipientKey)), {
              status: 201,
            }),
          );
        }
        const requests = parsed.keys ?? [];
        const keys = requests.map(() => generateDataKey());
        requests.forEach((request, i) => {
          if (request.allowedServices.includes('checkout')) issued.set(keys[i]!.keyId, keys[i]!);
        });
        const sealed = sealKeysForRecipient(keys, parsed.recipientKey);
        const answers = requests.map((request, i) => ({
          ...answerFor(request, keys[i]!, parsed.recipientKey),
          sealedKey: sealed[i],
        }));
        if (reorder) answers.reverse();
        return Promise.resolve(new Response(JSON.stringify({ keys: answers }), { status: 201 }));
      };
      return { keys: issued, calls, signer: new EventSigner(checkout.signing), fetch: fetchStub };
    }
    const order: CreateKeyRequest[] = [
      { subject: 'customer:1', purpose: 'customer-contact', allowedServices: ['checkout'] },
      {
        subject: 'customer:1',
        purpose: 'delivery-address',
        allowedServices: ['checkout', 'fulfilment'],
      },
      { subject: 'order:9', purpose: 'card-token', allowedServices: ['payment'] },
    ];

    it('asks for several keys in one signed request and answers them in order', async () => {
      const service = fakeCreator();
      const client = new KeyServiceClient({
        baseUrl: 'http://keys.test',
        signer: service.signer,
        fetch: service.fetch,
      });
      const created = await client.createKeys(order);
      expect(service.calls).toEqual(['POST /keys/batch signed']);
      expect(created.map((c) => [c.subject, c.purpose, c.created])).toEqual(
        order.map((request) => [request.subject, request.purpose, true]),
      );
      const contact = created[0]!.key;
      expect(
        contact.exportMaterial().equals(service.keys.get(contact.keyId)!.exportMaterial()),
      ).toBe(true);
    });

    it('refuses an answer whose keys are not the ones asked for, in order', async () => {
      const service = fakeCreator(true);
      const client = new KeyServiceClient({
        baseUrl: 'http://keys.test',
        signer: service.signer,
        fetch: service.fetch,
      });
      await expect(client.createKeys(order)).rejects.toMatchObject({ code: 'unavailable' });
    });

    it('keeps a created key only if this service may fetch it again', async () => {
      const service = fakeCreator();
      const client = new KeyServiceClient({
        baseUrl: 'http://keys.test',
        signer: service.signer,
        fetch: service.fetch,
      });
      const [contact, , card] = await client.createKeys(order);
      const single = await client.createKey(order[2]!);
      await client.getKey(contact!.key.keyId);
      expect(service.calls).toEqual(['POST /keys/batch signed', 'POST /keys signed']);
      // The card-token key is payment's: checkout sealed with it and kept nothing.
      await expect(client.getKey(card!.key.keyId)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(client.getKey(single.key.keyId)).rejects.toMatchObject({ code: 'forbidden' });
      expect(service.calls).toHaveLength(4);
    });
  });
});
