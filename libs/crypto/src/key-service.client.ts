import type { DataKey } from './data-key';
import { keyIdOfSealed, open, seal, type SealContext, type SealedValue } from './envelope';
import { KeyTransportRecipient, type TransportedKey } from './key-transport';
import type { EventSigner } from './event-signer';
import { signServiceRequest } from './service-request';

export interface KeyServiceClientOptions {
  /** The privacy service, e.g. `http://127.0.0.1:3003`. */
  readonly baseUrl: string;
  /** The calling service's signing key: the key service knows callers by it. */
  readonly signer: EventSigner;
  /** How long a fetched key is reused before asking again; at most a few minutes. */
  readonly maxAgeMs?: number;
  /** Keys held at most; the oldest go first. */
  readonly maxEntries?: number;
  readonly timeoutMs?: number;
  readonly clock?: () => number;
  readonly fetch?: typeof fetch;
}

export type KeyServiceErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'destroyed'
  | 'conflict'
  | 'invalid-request'
  | 'unavailable';

export class KeyServiceError extends Error {
  constructor(
    readonly code: KeyServiceErrorCode,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'KeyServiceError';
  }

  /**
   * The key service could not be reached or did not answer properly: an outage to wait out,
   * not a refusal. An event consumer retries such a failure without limit instead of
   * dead-lettering the event (`#lumen/messaging` reads this flag).
   */
  get transient(): boolean {
    return this.code === 'unavailable';
  }
}

export interface CreateKeyRequest {
  /** Whose data the key protects: `customer:<id>`, `order:<id>`. */
  readonly subject: string;
  /** What for: `customer-contact`, `card-token`, `delivery-address`. */
  readonly purpose: string;
  /** The services that may fetch the key later. */
  readonly allowedServices: readonly string[];
}

export interface CreatedKey {
  readonly key: DataKey;
  readonly subject: string;
  readonly purpose: string;
  readonly allowedServices: readonly string[];
  /** False when the subject already had a live key for this purpose. */
  readonly created: boolean;
}

interface KeyAnswer {
  keyId: string;
  subject: string;
  purpose: string;
  allowedServices: string[];
  created?: boolean;
  /** The data key, encrypted to this client's transport key. */
  sealedKey: TransportedKey;
}

interface KeysAnswer {
  keys?: unknown;
}

interface CachedKey {
  readonly key: DataKey;
  readonly fetchedAt: number;
}

const STATUS_CODES: Readonly<Record<number, KeyServiceErrorCode>> = {
  400: 'invalid-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  410: 'destroyed',
};

/**
 * A service's way to the key service (apps/privacy): every request signed with the service's
 * key; fetched keys kept in memory for at most `maxAgeMs` (default two minutes), so a destroyed
 * key stops working everywhere within that time even if the `privacy.key.destroyed.v1` event
 * is late. Services call `evict(keyId)` from their handler of that event to stop at once.
 */
export class KeyServiceClient {
  private readonly cache = new Map<string, CachedKey>();
  /** Fetches in flight; `evict` drops the entry, so a late answer is not cached. */
  private readonly inflight = new Map<string, Promise<DataKey>>();
  private readonly maxEntries: number;
  /** Key answers are encrypted to this key pair, so they are noise to anyone else. */
  private readonly recipient = new KeyTransportRecipient();
  private readonly maxAgeMs: number;
  private readonly timeoutMs: number;
  private readonly clock: () => number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: KeyServiceClientOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 120_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.clock = options.clock ?? Date.now;
    this.fetch = options.fetch ?? fetch;
  }

  /** Creates the subject's key for the purpose, or returns the live one (if this service may use it). */
  async createKey(request: CreateKeyRequest): Promise<CreatedKey> {
    const answer = await this.call('POST', '/keys', {
      subject: request.subject,
      purpose: request.purpose,
      allowedServices: request.allowedServices,
      recipientKey: this.recipient.publicKey,
    });
    return this.created(answer, this.recipient.open(answer.sealedKey, answer.keyId));
  }

  /**
   * Several keys in one call (`POST /keys/batch`), all or none, answered in the order asked:
   * one signed request, one transaction and one key agreement instead of one each per key.
   * At most 8 keys, each subject and purpose once.
   */
  async createKeys(requests: readonly CreateKeyRequest[]): Promise<CreatedKey[]> {
    const path = '/keys/batch';
    const answer = await this.call<KeysAnswer>('POST', path, {
      keys: requests.map((request) => ({
        subject: request.subject,
        purpose: request.purpose,
        allowedServices: request.allowedServices,
      })),
      recipientKey: this.recipient.publicKey,
    });
    const keys = answer.keys as KeyAnswer[] | undefined;
    // Each answer must be the key asked for in that place, or a caller could seal under the
    // wrong key (the card token under the customer's contact key, say).
    const matches =
      Array.isArray(keys) &&
      keys.length === requests.length &&
      keys.every((key, i) => {
        const asked = requests[i];
        return (
          asked !== undefined && key.subject === asked.subject && key.purpose === asked.purpose
        );
      });
    if (!matches) {
      throw new KeyServiceError(
        'unavailable',
        200,
        `Key service answered POST ${path} with other keys than were asked for`,
      );
    }
    const opened = this.recipient.openAll(keys);
    return keys.map((key, i) => this.created(key, opened[i] as DataKey));
  }

  async getKey(keyId: string): Promise<DataKey> {
    const cached = this.cache.get(keyId);
    if (cached && this.clock() - cached.fetchedAt < this.maxAgeMs) return cached.key;
    this.cache.delete(keyId);
    // Concurrent readers of one key share one request.
    const pending = this.inflight.get(keyId);
    if (pending) return pending;
    const fetching: Promise<DataKey> = this.call(
      'GET',
      `/keys/${encodeURIComponent(keyId)}?recipient=${this.recipient.publicKey}`,
    )
      .then((answer) => {
        const key = this.recipient.open(answer.sealedKey, answer.keyId);
        // Evicted meanwhile (destroyed, say): hand the answer to this caller, cache nothing.
        if (this.inflight.get(keyId) === fetching) this.remember(key);
        return key;
      })
      .finally(() => {
        if (this.inflight.get(keyId) === fetching) this.inflight.delete(keyId);
      });
    this.inflight.set(keyId, fetching);
    return fetching;
  }

  /** Destroys the key for good (crypto-shredding); everything sealed under it becomes unreadable. */
  async destroyKey(keyId: string, reason: string): Promise<{ destroyedAt: string }> {
    this.evict(keyId);
    const answer = await this.call<{ destroyedAt: string }>(
      'DELETE',
      `/keys/${encodeURIComponent(keyId)}`,
      { reason },
    );
    this.evict(keyId);
    return { destroyedAt: answer.destroyedAt };
  }

  evict(keyId: string): void {
    this.cache.delete(keyId);
    this.inflight.delete(keyId);
  }

  /** Seals under the key with this id (fetched, or from the cache). */
  async seal(plaintext: string, keyId: string, context: SealContext): Promise<SealedValue> {
    return seal(plaintext, await this.getKey(keyId), context);
  }

  /** Opens a sealed value, fetching the key it names if needed. */
  async open(sealed: string, context: SealContext): Promise<string> {
    return open(sealed, await this.getKey(keyIdOfSealed(sealed)), context);
  }

  /**
   * A created key is kept for later reads only if this service may fetch it again: checkout
   * seals the card token with the key it created for payment, and must not keep it.
   */
  private created(answer: KeyAnswer, key: DataKey): CreatedKey {
    if (answer.allowedServices.includes(this.options.signer.service)) this.remember(key);
    return {
      key,
      subject: answer.subject,
      purpose: answer.purpose,
      allowedServices: answer.allowedServices,
      created: answer.created === true,
    };
  }

  private remember(key: DataKey): void {
    const now = this.clock();
    this.cache.delete(key.keyId); // re-inserted last, so Map order is fetch order
    this.cache.set(key.keyId, { key, fetchedAt: now });
    if (this.cache.size > this.maxEntries) {
      for (const [keyId, entry] of this.cache) {
        if (this.cache.size <= this.maxEntries && now - entry.fetchedAt < this.maxAgeMs) break;
        this.cache.delete(keyId); // expired, or the oldest while over the limit
      }
    }
  }

  private async call<T = KeyAnswer>(method: string, path: string, body?: unknown): Promise<T> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = {
      ...signServiceRequest(this.options.signer, { method, path, body: text }),
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetch(new URL(path, this.options.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : text,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new KeyServiceError(
        'unavailable',
        undefined,
        `Key service unreachable: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const answer = (await response.json().catch(() => ({}))) as { message?: unknown };
    if (response.ok) return answer as T;
    const message = typeof answer.message === 'string' ? answer.message : response.statusText;
    throw new KeyServiceError(
      STATUS_CODES[response.status] ?? 'unavailable',
      response.status,
      `Key service refused ${method} ${path}: ${response.status} ${message}`,
    );
  }
}
