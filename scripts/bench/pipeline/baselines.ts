import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';

/**
 * The raw bounds of this box, measured in the same run as the pipeline so the ratios compare
 * like with like: what kafkajs alone moves through the same broker, and how many single-row
 * transactions PostgreSQL alone commits.
 */
export interface KafkaBaseline {
  readonly messages: number;
  readonly messageBytes: number;
  readonly perSecond: number;
}

export interface PostgresBaseline {
  readonly connections: number;
  readonly seconds: number;
  readonly commitsPerSecond: number;
}

/**
 * Produces `messages` messages of `messageBytes` (idempotent producer, acks=all, batches of
 * 500, as the outbox relay sends) to a fresh 6-partition topic and consumes them with manual
 * commits; the figure is messages per second from the first send to the last one consumed.
 */
export async function kafkaBaseline(
  brokers: readonly string[],
  messages: number,
  messageBytes: number,
): Promise<KafkaBaseline> {
  const run = Math.random().toString(36).slice(2, 10);
  const topic = `bench.raw${run}.pipeline.v1`;
  const kafka = new Kafka({
    clientId: `bench-${run}`,
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `bench-raw-${run}` });
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    // The clock starts once the consumer holds its partitions: joining the group takes
    // seconds and is not throughput.
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => {
        resolve();
      });
    });
    let received = 0;
    let onAll: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (onAll = resolve));
    await consumer.run({
      autoCommit: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        for (const message of batch.messages) payload.resolveOffset(message.offset);
        received += batch.messages.length;
        const last = batch.messages[batch.messages.length - 1];
        if (last) {
          await consumer.commitOffsets([
            { topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
          ]);
        }
        if (received >= messages) onAll();
      },
    });
    await joined;
    const padding = 'x'.repeat(Math.max(0, messageBytes - 40));
    const started = Date.now();
    for (let sent = 0; sent < messages; sent += 500) {
      const count = Math.min(500, messages - sent);
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: count }, (_, i) => ({
          key: `order-${(sent + i) % 1000}`,
          value: JSON.stringify({ sequence: sent + i, padding }),
        })),
      });
    }
    await all;
    return { messages, messageBytes, perSecond: messages / ((Date.now() - started) / 1000) };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/**
 * Single-row INSERT transactions (autocommit, so one commit each, with its WAL flush) from
 * `connections` connections for `seconds`, into a throwaway schema of the same database.
 */
export async function postgresBaseline(
  databaseUrl: string,
  connections: number,
  seconds: number,
): Promise<PostgresBaseline> {
  const schema = `bench_commits_${Math.random().toString(36).slice(2, 10)}`;
  const pool = new Pool({ connectionString: databaseUrl, max: connections });
  try {
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(
      `CREATE TABLE ${schema}.rows (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), body text NOT NULL)`,
    );
    const until = Date.now() + seconds * 1000;
    let commits = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        const client = await pool.connect();
        try {
          while (Date.now() < until) {
            await client.query(`INSERT INTO ${schema}.rows (body) VALUES ($1)`, ['order']);
            commits += 1;
          }
        } finally {
          client.release();
        }
      }),
    );
    return { connections, seconds, commitsPerSecond: commits / ((Date.now() - started) / 1000) };
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await pool.end();
  }
}
