import { isUtf8 } from 'node:buffer';
import { Kafka, logLevel } from 'kafkajs';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { SweptText } from './detect-findings';

/**
 * Everything the sweep reads, as text with its location. Bytes are decoded as UTF-8, so a
 * plaintext value inside a bytea column or a Kafka message is seen exactly as it would leak;
 * sealed values and wrapped keys stay unreadable noise.
 */
function asText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') {
      return bytesAsText(Buffer.from((v as { data: number[] }).data));
    }
    return v;
  });
}

/**
 * Text stored as bytes (an outbox row's envelope) is read as the text it is. Binary (a
 * signature, a wrapped key, ciphertext) is not text: decoding it would only invent matches.
 */
function bytesAsText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  // eslint-disable-next-line no-control-regex
  return isUtf8(bytes) && !/[\u0000-\u0008\u000e-\u001f\ufffd]/u.test(text) ? text : '<binary>';
}

/** One Kafka message as read, with where it came from. */
export interface ReadMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Each partition's end offset (`topic/partition` → next offset), for topics `wanted` picks. */
export async function topicEnds(
  brokers: readonly string[],
  wanted: (topic: string) => boolean = () => true,
): Promise<Map<string, number>> {
  const kafka = new Kafka({
    clientId: 'lumen-reader',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__') && wanted(t));
    const ends = new Map<string, number>();
    for (const topic of topics) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        ends.set(`${topic}/${String(partition)}`, Number(high));
      }
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every message of the topics `wanted` picks, up to their current ends, skipping those before
 * `from` (`topic/partition` → first offset to keep; 0 where absent).
 */
export async function readMessages(
  brokers: readonly string[],
  wanted: (topic: string) => boolean = () => true,
  from: ReadonlyMap<string, number> = new Map(),
): Promise<ReadMessage[]> {
  const ends = new Map(
    [...(await topicEnds(brokers, wanted))].filter(([id, end]) => end > (from.get(id) ?? 0)),
  );
  if (ends.size === 0) return [];

  const kafka = new Kafka({
    clientId: 'lumen-reader',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const messages: ReadMessage[] = [];
  const consumer = kafka.consumer({ groupId: `lumen-reader-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({
    topics: [...new Set([...ends.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))))],
    fromBeginning: true,
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 60_000);
    void consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        const id = `${topic}/${String(partition)}`;
        const offset = Number(message.offset);
        if (offset >= (from.get(id) ?? 0) && offset < (ends.get(id) ?? 0)) {
          messages.push({
            topic,
            partition,
            offset,
            key: message.key?.toString('utf8') ?? '',
            value: message.value,
            headers: Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([name, v]) => [name, String(v)]),
            ),
          });
        }
        if (offset + 1 >= (ends.get(id) ?? 0)) ends.delete(id);
        if (ends.size === 0) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return messages;
}

/** Every message of every topic (dead-letter topics included), from offset 0. */
export async function readKafka(brokers: readonly string[]): Promise<SweptText[]> {
  return (await readMessages(brokers)).map((message) => ({
    location: `kafka:${message.topic}`,
    text: [
      message.key,
      message.value?.toString('utf8') ?? '',
      ...Object.values(message.headers),
    ].join('\n'),
  }));
}

/** Every row of every table in every service schema. */
export async function readPostgres(
  databaseUrl: string,
  schemas: readonly string[],
): Promise<SweptText[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1, 2`,
      [schemas],
    );
    const texts: SweptText[] = [];
    for (const { schema, name } of tables.rows) {
      const rows = await client.query(`SELECT * FROM "${schema}"."${name}"`);
      texts.push(
        ...rows.rows.map((row) => ({ location: `postgres:${schema}.${name}`, text: asText(row) })),
      );
    }
    return texts;
  } finally {
    await client.end();
  }
}

/** Every key and value in Redis. */
export async function readRedis(redisUrl: string): Promise<SweptText[]> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    const texts: SweptText[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? await redis.hgetall(key)
              : type === 'list'
                ? await redis.lrange(key, 0, -1)
                : type === 'set'
                  ? await redis.smembers(key)
                  : type === 'zset'
                    ? await redis.zrange(key, 0, -1)
                    : type === 'stream'
                      ? await redis.xrange(key, '-', '+')
                      : null;
        texts.push({ location: `redis:${key}`, text: `${key}\n${asText(value)}` });
      }
    } while (cursor !== '0');
    return texts;
  } finally {
    redis.disconnect();
  }
}

/** The output of every process of the pipeline, split by the app prefix lumen.mjs adds. */
export function splitLogs(output: string): SweptText[] {
  const byApp = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const match = /^([a-z-]+)\s*\| (.*)$/.exec(line);
    const app = match?.[1] ?? 'lumen';
    const lines = byApp.get(app) ?? [];
    lines.push(match?.[2] ?? line);
    byApp.set(app, lines);
  }
  return [...byApp].map(([app, lines]) => ({ location: `logs:${app}`, text: lines.join('\n') }));
}

/** Fetches a JSON or text document over HTTP; absent (404, refused) yields nothing. */
export async function readHttp(
  location: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<SweptText[]> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return [];
    return [{ location, text: await response.text() }];
  } catch {
    return [];
  }
}
