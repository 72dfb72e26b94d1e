import type { Attributes, Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { isPersonalKey, redactPersonalData } from '../redaction/personal-data.redactor';
import { REDACTED, redactPersonalText } from '../redaction/personal-text.redactor';

/** Attributes that identify the person at the other end, or carry what they sent. */
const DROPPED_ATTRIBUTES = new Set([
  'client.address',
  'http.client_ip',
  'net.peer.ip',
  'net.sock.peer.addr',
  'net.sock.peer.name',
  'client.socket.address',
  'http.x_forwarded_for',
  // On a server span the peer is the shopper's machine (or the proxy in front of it).
  'network.peer.address',
  'user_agent.original',
  'http.user_agent',
  'url.query',
  // pg's enhancedDatabaseReporting: the bound values of $1..$n.
  'db.postgresql.values',
]);
const DROPPED_ATTRIBUTE_PREFIXES = [
  'http.request.body',
  'http.response.body',
  // Set only when someone configures headersToSpanAttributes; cookies and tokens live there.
  'http.request.header.',
  'http.response.header.',
];

/** Kept without their query string and fragment, which carry search terms, e-mails and tokens. */
const URL_ATTRIBUTES = new Set(['url.full', 'http.url', 'http.target']);

/**
 * SQL text keeps its `$1` placeholders; a literal written inline becomes '?'. `db.query.text` is
 * the name current pg and ioredis instrumentations use; `db.statement` is the older one.
 */
const SQL_ATTRIBUTES = new Set(['db.query.text', 'db.statement']);

/**
 * Wraps the processor that exports spans and strips personal data from each span before that
 * processor sees it, so no exporter ever receives it. Beyond the attribute lists above, every
 * attribute and event attribute (an exception's message and stack: a unique-violation error from
 * PostgreSQL quotes the row) and the status message get the same redaction as a log line:
 * `PERSONAL_FIELD_NAMES` keys, e-mail addresses and card numbers.
 *
 * The SDK hands processors the span object itself and offers no way to remove an attribute, so the
 * ended span's attribute maps are edited in place; wrapping (rather than registering a sibling
 * processor) guarantees this runs before the export path.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    this.next.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    redactAttributes(span.attributes);
    for (const event of span.events) {
      if (event.attributes !== undefined) redactAttributes(event.attributes);
    }
    if (span.status.message !== undefined) {
      span.status.message = redactPersonalText(span.status.message);
    }
    this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

function redactAttributes(attributes: Attributes): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (
      DROPPED_ATTRIBUTES.has(key) ||
      DROPPED_ATTRIBUTE_PREFIXES.some((prefix) => key.startsWith(prefix))
    ) {
      Reflect.deleteProperty(attributes, key);
    } else if (isPersonalKey(key)) {
      attributes[key] = REDACTED;
    } else {
      // Since API 1.10 a span attribute may be any value, nested maps and arrays included, so
      // non-strings get the same walk as a logged object.
      attributes[key] = redactPersonalData(
        typeof value === 'string' ? sanitize(key, value) : value,
      );
    }
  }
}

function sanitize(key: string, value: string): string {
  if (URL_ATTRIBUTES.has(key)) return value.replace(/[?#].*$/s, '');
  if (SQL_ATTRIBUTES.has(key)) return value.replace(/'(?:[^']|'')*'/g, "'?'");
  return value;
}
