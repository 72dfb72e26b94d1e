import type { CertifiedKey } from './certified-key';
import type { MessageVerifier, RefusalReason } from './message-verifier';
import { GATEWAY_HEADERS, requestTarget, signMessage } from './signed-message';

export type GatewayWireErrorCode =
  /** No answer in time: the request may or may not have been applied. */
  | 'timeout'
  /** Connection refused or reset before an answer. */
  | 'unreachable'
  /** A 5xx: the gateway failed; the body is not trusted. */
  | 'gateway-error'
  /** An answer that failed verification: treated as no answer at all. */
  | 'unverified-answer';

export class GatewayWireError extends Error {
  constructor(
    readonly code: GatewayWireErrorCode,
    message: string,
    readonly refusal?: RefusalReason,
    /** The key id an unverified answer claimed; unverified, for the audit trail only. */
    readonly claimedKeyId?: string,
  ) {
    super(message);
    this.name = 'GatewayWireError';
  }

  /** Whether sending the same request again (same idempotency key) may help. */
  get retryable(): boolean {
    return this.code !== 'unverified-answer';
  }
}

export interface GatewayAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly messageId: string;
}

export interface GatewayWireClientOptions {
  readonly baseUrl: string;
  /** The merchant's current certified key; a function, so a rotated key is picked up at once. */
  readonly key: () => CertifiedKey;
  /** Verifies answers: accepts only `gateway` certificates chained to the pinned root. */
  readonly verifier: MessageVerifier;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * The merchant side of the wire: signs each request over its raw body, sends it, and trusts
 * an answer only once it verifies as the gateway's answer to *this* request. Anything else
 * is an error with a code the caller maps to retry or failure.
 */
export class GatewayWireClient {
  constructor(private readonly options: GatewayWireClientOptions) {}

  async send(method: string, path: string, body?: unknown): Promise<GatewayAnswer> {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const headers = signMessage(this.options.key(), {
      kind: 'request',
      target: requestTarget(method, path),
      body: raw,
    });
    const requestId = headers[GATEWAY_HEADERS.messageId] ?? '';
    let response: Response;
    let answerBytes: Buffer;
    const deadline = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    try {
      response = await (this.options.fetch ?? fetch)(new URL(path, this.options.baseUrl), {
        method,
        headers: raw === '' ? headers : { ...headers, 'content-type': 'application/json' },
        body: raw === '' ? undefined : raw,
        signal: deadline,
      });
      answerBytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      const timedOut = deadline.aborted;
      throw new GatewayWireError(
        timedOut ? 'timeout' : 'unreachable',
        `${method} ${path}: ${timedOut ? 'no answer in time' : describe(error)}`,
      );
    }
    if (response.status >= 500) {
      throw new GatewayWireError(
        'gateway-error',
        `${method} ${path}: gateway answered ${response.status}`,
      );
    }
    const check = this.options.verifier.verify({
      kind: 'answer',
      target: requestId,
      body: answerBytes,
      headers: Object.fromEntries(response.headers),
    });
    if (!check.ok) {
      throw new GatewayWireError(
        'unverified-answer',
        `${method} ${path}: answer refused (${check.reason})`,
        check.reason,
        check.claimedKeyId,
      );
    }
    let parsed: unknown = undefined;
    if (answerBytes.length > 0) {
      try {
        parsed = JSON.parse(answerBytes.toString('utf8'));
      } catch {
        throw new GatewayWireError('unverified-answer', `${method} ${path}: answer is not JSON`);
      }
    }
    return { status: response.status, body: parsed, messageId: check.messageId };
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed';
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
