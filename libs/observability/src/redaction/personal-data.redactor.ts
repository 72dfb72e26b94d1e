import { normalizeFieldName, PERSONAL_FIELD_NAMES } from './personal-field-names.constant';
import { REDACTED, redactPersonalText } from './personal-text.redactor';

// Deeper than any payload we log on purpose; the bound keeps a pathological object from costing
// more than the log line is worth.
const MAX_DEPTH = 10;

const personalKeys = new Set(PERSONAL_FIELD_NAMES.map(normalizeFieldName));

export const isPersonalKey = (key: string): boolean => personalKeys.has(normalizeFieldName(key));

/**
 * Returns a JSON-ready copy of `value` in which the value of every key named in
 * `PERSONAL_FIELD_NAMES` (at any depth) and every e-mail address or card number inside any string
 * is replaced by "[redacted]". Errors become `{ type, message, stack, ...ownFields, cause }`.
 * Cycles become "[circular]"; anything nested deeper than 10 levels becomes "[too deep]". The
 * input is never mutated.
 */
export function redactPersonalData(value: unknown): unknown {
  return redact(value, 0, new WeakSet());
}

function redact(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactPersonalText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  // Bytes cannot be scanned; copying them index by index would only garble them.
  if (ArrayBuffer.isView(value)) return value;

  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, ancestors));
    if (value instanceof Error) return redactError(value, depth, ancestors);
    // Mirror JSON.stringify, so a Date stays a date string instead of becoming `{}`.
    if (hasToJson(value)) return redact(value.toJSON(), depth, ancestors);
    return redactFields(value, depth, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function redactError(error: Error, depth: number, ancestors: WeakSet<object>): unknown {
  // An error's `name` is its kind, not a person's: the class name goes out as `type`, as pino's
  // own error serializer does, and an own `name` field is left out rather than redacted.
  const { name: _name, ...ownFields } = redactFields(error, depth, ancestors);
  return {
    type: error.constructor.name,
    message: redactPersonalText(error.message),
    stack: error.stack === undefined ? undefined : redactPersonalText(error.stack),
    // Own fields matter: pg's DatabaseError puts the offending row's values in `detail`.
    ...ownFields,
    cause: error.cause === undefined ? undefined : redact(error.cause, depth + 1, ancestors),
  };
}

// fromEntries defines keys rather than assigning them, so a "__proto__" key stays plain data.
function redactFields(
  source: object,
  depth: number,
  ancestors: WeakSet<object>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(source).map(([key, child]) => [
      key,
      isPersonalKey(key) ? REDACTED : redact(child, depth + 1, ancestors),
    ]),
  );
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
