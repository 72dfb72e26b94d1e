import fc from 'fast-check';
import type { DataSource } from 'typeorm';

/**
 * Hostile input for the fuzz tier (`*.fuzz.int-spec.ts`): what a careless or malicious client,
 * a broken proxy or a forged Kafka producer may send. Every generator yields JSON *text*, so a
 * test can send exactly these bytes: duplicate keys, `__proto__` as an own key and nesting
 * deeper than any parser's recursion limit survive, which `JSON.stringify` of a value cannot
 * express.
 */

/** Keys that poison an object's prototype when a parser or a merge treats them naively. */
export const PROTO_POLLUTION_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__lookupGetter__',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'isAdmin',
] as const;
export const protoPollutionKey = (): fc.Arbitrary<string> =>
  fc.constantFrom(...PROTO_POLLUTION_KEYS);

/**
 * Text that breaks naive handling: lone surrogates, NUL and control characters, bidi
 * overrides, zero-width and combining characters, look-alike letters, normalisation traps,
 * emoji sequences, and strings that mean something to SQL, shells, paths or templates.
 */
export const UNICODE_EDGE_CASES = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uDC00y',
  '\uFEFF',
  '\u200B\u200C\u200D',
  '\u202Eevil\u202C',
  '\u2066isolate\u2069',
  'e\u0301\u0301\u0301\u0301\u0301',
  'Z̷̧̛̞̼͕̙a̸̧̱̪͕l̵̨̛̘g̶̱̈́o̸͓͐',
  'İıſK\u212A',
  'ﬃ',
  '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}',
  '\u{1F1EC}\u{1F1E7}',
  '\r\n\t\u000B\u000C\u0085\u2028\u2029',
  '\u001B[31mred\u001B[0m',
  "' OR '1'='1",
  "'; DROP TABLE orders; --",
  '$1',
  '{"$gt":""}',
  '../../../../etc/passwd',
  '%2e%2e%2f%00',
  '${process.exit(1)}',
  '{{constructor.constructor("return process")()}}',
  '<script>alert(1)</script>',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  'null',
  'undefined',
  'true',
  '[object Object]',
] as const;

/** Luhn check digit, so a generated number is a card number to any detector. */
function withLuhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) {
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return `${body}${String((10 - (sum % 10)) % 10)}`;
}

/** A Luhn-valid card number of 13 to 19 digits on a real scheme's prefix. */
export const cardNumber = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom('4', '51', '55', '2221', '34', '37', '6011', '35'),
      fc.integer({ min: 13, max: 19 }),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
    )
    .map(([prefix, length, digits]) =>
      withLuhnDigit(`${prefix}${digits.join('')}`.slice(0, length - 1)),
    );

/**
 * A card number written as people paste it: unbroken, or in groups of four split by single
 * spaces or dashes (what libs/personal-data recognises; dots and double spaces it does not).
 */
export const formattedCardNumber = (): fc.Arbitrary<string> =>
  fc
    .tuple(cardNumber(), fc.constantFrom('', ' ', '-'))
    .map(([digits, separator]) => (digits.match(/.{1,4}/g) ?? [digits]).join(separator));

/** A card number hidden in ordinary text: a note, an address line, a name. */
export const textWithCardNumber = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom('', 'Card: ', 'please charge ', 'Flat 2, ', 'ref ', 'my card is\n'),
      formattedCardNumber(),
      fc.constantFrom('', ' thanks', ' exp 12/30 cvc 123', ', London', '!'),
    )
    .map(([before, card, after]) => `${before}${card}${after}`);

/** Any string a client might send, weighted towards the ones that break things. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...UNICODE_EDGE_CASES) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: textWithCardNumber() },
    { weight: 1, arbitrary: protoPollutionKey() },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('a', 'é', '\u{1F600}', '0', ' '),
          fc.integer({ min: 300, max: 5_000 }),
        )
        .map(([unit, times]) => unit.repeat(times)),
    },
  );

/** A JSON number as text, including the ones that lose precision or overflow. */
const hostileNumberText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '0',
      '-0',
      '-1',
      '1.5',
      '1e308',
      '1e309',
      '-1e309',
      '9007199254740993',
      '123456789012345678901234567890',
      '2147483648',
      '0.1e-400',
      '4242424242424242',
    ),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  );

const jsonString = (value: string) => JSON.stringify(value);

/**
 * A JSON value as text: hostile strings and numbers, wrong types, objects whose keys include
 * prototype-pollution keys and repeat each other.
 */
export const hostileJsonText = (maxDepth = 4): fc.Arbitrary<string> =>
  fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth },
      fc.constantFrom('null', 'true', 'false', '{}', '[]', '""'),
      hostileNumberText(),
      hostileString().map(jsonString),
      fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(
          fc.tuple(
            fc.oneof(protoPollutionKey(), hostileString(), fc.string({ maxLength: 8 })),
            tie('value'),
          ),
          { maxLength: 5 },
        )
        .map((entries) => `{${entries.map(([k, v]) => `${jsonString(k)}:${v}`).join(',')}}`),
    ),
  })).value;

/** Arrays and strings big enough to hurt, nesting deeper than a recursive parser survives. */
export const oversizedStructureText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.integer({ min: 500, max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    fc
      .integer({ min: 500, max: 3_000 })
      .map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
    fc.integer({ min: 1_000, max: 4_000 }).map((n) => `[${Array(n).fill('0').join(',')}]`),
    fc.integer({ min: 500, max: 1_500 }).map((n) => `[${Array(n).fill('{}').join(',')}]`),
  );

/** Bytes that are not JSON at all, or JSON cut short. */
export const notJsonText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '{',
      '[1,',
      '{"a":}',
      "{'a':1}",
      '{"a":1}}',
      'NaN',
      '\u0000',
      '\uFEFF{}',
    ),
    fc.string({ unit: 'binary', maxLength: 60 }),
  );

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside `value` (the root included, as []). */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value))
    value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

/** `value` as JSON text, with the value at `path` replaced by the text `replacement`. */
function serialiseReplacing(
  value: Json,
  path: readonly (string | number)[],
  replacement: string,
): string {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    return `[${value.map((item, i) => (i === head ? serialiseReplacing(item, rest, replacement) : JSON.stringify(item))).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(
        ([key, item]) =>
          `${jsonString(key)}:${key === head ? serialiseReplacing(item, rest, replacement) : JSON.stringify(item)}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `value` as JSON text with one more member in the object at `path`. */
function serialiseAdding(value: Json, path: readonly (string | number)[], member: string): string {
  const target = path.reduce<Json>(
    (node, key) => (node as Record<string, Json>)[key] as Json,
    value,
  );
  if (target === null || typeof target !== 'object' || Array.isArray(target))
    return JSON.stringify(value);
  const inner = JSON.stringify(target);
  const extended = inner === '{}' ? `{${member}}` : `${inner.slice(0, -1)},${member}}`;
  return serialiseReplacing(value, path, extended);
}

/**
 * A valid body made hostile in one place, so the input gets past the first checks and hits
 * the deeper ones: a value replaced by a hostile one (wrong type, hidden card number, huge
 * string), an extra member (a prototype-pollution key, or a duplicate of an existing key), or
 * the whole body wrapped or cut short.
 */
export const mutatedJsonText = (valid: Json): fc.Arbitrary<string> => {
  const paths = pathsOf(valid);
  const objectPaths = paths.filter((path) => {
    const node = path.reduce<Json>((n, key) => (n as Record<string, Json>)[key] as Json, valid);
    return node !== null && typeof node === 'object' && !Array.isArray(node);
  });
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...paths.slice(1)), hostileJsonText(2))
        .map(([path, replacement]) => serialiseReplacing(valid, path, replacement)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...paths.slice(1)), textWithCardNumber())
        .map(([path, text]) => serialiseReplacing(valid, path, jsonString(text))),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...objectPaths), protoPollutionKey(), hostileJsonText(2))
        .map(([path, key, member]) => serialiseAdding(valid, path, `${jsonString(key)}:${member}`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...objectPaths), hostileJsonText(1))
        .map(([path, member]) => {
          const node = path.reduce<Json>(
            (n, key) => (n as Record<string, Json>)[key] as Json,
            valid,
          );
          const firstKey = Object.keys(node as object)[0] ?? 'a';
          return serialiseAdding(valid, path, `${jsonString(firstKey)}:${member}`);
        }),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 60 }).map((cut) => JSON.stringify(valid).slice(0, -cut)),
    },
  );
};

/** Any hostile request body: structure-aware mutations of `valid` and free-form hostility. */
export const hostileBodyText = (valid: Json): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: mutatedJsonText(valid) },
    { weight: 2, arbitrary: hostileJsonText() },
    { weight: 1, arbitrary: oversizedStructureText() },
    { weight: 1, arbitrary: notJsonText() },
  );

/** A path segment a client may put in a URL: hostile, then percent-encoded as fetch would. */
export const hostilePathSegment = (): fc.Arbitrary<string> =>
  fc
    .oneof(hostileString(), fc.constantFrom('..', '.', '%', '%00', '%zz', 'a/b', 'a?b', 'a#b'))
    .filter((segment) => segment.length > 0 && segment.length < 2_000)
    .map((segment) => {
      try {
        return encodeURIComponent(segment);
      } catch {
        return segment.replace(/[\uD800-\uDFFF]/g, '%ED%A0%80'); // a lone surrogate, as bytes
      }
    });

/** A body of `bytes` bytes that is valid JSON up to its size: refused for size alone. */
export function oversizedJsonBody(bytes: number): string {
  return `{"padding":"${'a'.repeat(bytes)}"}`;
}

/** Runs for each property: modest, so the whole fuzz tier stays within about two minutes. */
export const FUZZ_RUNS = Number(process.env.LUMEN_FUZZ_RUNS ?? 40);

/**
 * Counts the rows of every table of `schema` (but `except`) in one query: a fuzz case must
 * leave every count as it found it.
 */
export async function rowCounts(
  db: DataSource,
  schema: string,
  except: readonly string[] = [],
): Promise<Record<string, number>> {
  const tables: { table_name: string }[] = await db.query(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  const counted = tables.map((t) => t.table_name).filter((name) => !except.includes(name));
  if (counted.length === 0) return {};
  const [row]: Record<string, string>[] = await db.query(
    `SELECT ${counted.map((name) => `(SELECT count(*) FROM "${schema}"."${name}") AS "${name}"`).join(', ')}`,
  );
  return Object.fromEntries(Object.entries(row ?? {}).map(([name, n]) => [name, Number(n)]));
}

/** What a fuzzed HTTP call answered. */
export interface FuzzAnswer {
  readonly status: number;
  readonly text: string;
}

/** Sends raw bytes; a refused connection or a reset is a crash, and reported as status 0. */
export async function send(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<FuzzAnswer> {
  try {
    const response = await fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return {
      status: 0,
      text: error instanceof Error ? `${error.name}: ${error.message}` : 'error',
    };
  }
}

/** A refusal a person can act on: a 4xx with a JSON body, never a 5xx, a reset or a hang. */
export function isCleanRefusal(answer: FuzzAnswer): boolean {
  return answer.status >= 400 && answer.status < 500;
}

/**
 * Expects `answer` to be a clean refusal, failing with the input that drew it (`{ body }`,
 * `{ headers }`, …) beside the status, so a shrunk counterexample names what was sent.
 */
export function expectCleanRefusal(answer: FuzzAnswer, input: Record<string, unknown>): void {
  expect({ ...input, status: answer.status, clean: isCleanRefusal(answer) }).toEqual({
    ...input,
    status: answer.status,
    clean: true,
  });
}

/**
 * POSTs `body` as JSON with `headers` and expects a clean refusal that left `state` (the row
 * counts, say) as it found it.
 */
export async function expectPostRefusedChangingNothing(
  url: string,
  body: string,
  headers: Record<string, string>,
  state: () => Promise<unknown>,
): Promise<void> {
  const before = await state();
  const answer = await send(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
  expectCleanRefusal(answer, { body });
  expect(await state()).toEqual(before);
}

/**
 * Expects a JSON body of `bytes` (over the route's limit) to be refused with 413, and one of
 * ten megabytes declared but never sent to be refused before it arrives, changing nothing.
 */
export async function expectOversizedPostRefused(
  url: string,
  bytes: number,
  state: () => Promise<unknown>,
): Promise<void> {
  const before = await state();
  const answer = await send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: oversizedJsonBody(bytes),
  });
  expect(answer.status).toBe(413);
  expect(await sendDeclaringLength(url, 10 * 1024 * 1024)).toBe(413);
  expect(await state()).toEqual(before);
}

/**
 * Declares a body of `declaredBytes` and sends almost none of it, over a raw socket (fetch
 * will not lie about a length): a server that refuses early answers at once, with the status
 * returned here; one that waits for the body times out (status 0).
 */
export async function sendDeclaringLength(
  url: string,
  declaredBytes: number,
  headers: Record<string, string> = {},
): Promise<number> {
  const { hostname, port, pathname } = new URL(url);
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let answer = '';
    const done = (status: number) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    const timer = setTimeout(() => {
      done(0);
    }, 5_000);
    socket.on('connect', () => {
      const lines = [
        `POST ${pathname} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Content-Type: application/json',
        `Content-Length: ${String(declaredBytes)}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        '',
        '{"a":',
      ];
      socket.write(lines.join('\r\n'));
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      if (status) done(Number(status[1]));
    });
    socket.on('error', () => {
      done(0);
    });
  });
}
