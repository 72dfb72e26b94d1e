import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import type { DependencyCheck } from './dependency-check';

/**
 * `SELECT 1` on a fresh connection: the probe sees what a new request would see (a full pool or
 * a refused login included), and holds no connection between probes.
 */
export function postgresCheck(databaseUrl: string, timeoutMs = 2_000): DependencyCheck {
  return {
    name: 'postgres',
    async check() {
      const client = new Client({
        connectionString: databaseUrl,
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
      });
      // An idle client that loses its server emits 'error'; unhandled, that would end the process.
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** `PING` on a fresh connection that does not retry: a down Redis fails the probe at once. */
export function redisCheck(redisUrl: string, timeoutMs = 2_000): DependencyCheck {
  return {
    name: 'redis',
    async check() {
      const redis = new Redis(redisUrl, {
        lazyConnect: true,
        connectTimeout: timeoutMs,
        commandTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        await redis.ping();
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** Connects an admin client and asks the cluster for its brokers. */
export function kafkaCheck(brokers: readonly string[], timeoutMs = 2_000): DependencyCheck {
  const kafka = new Kafka({
    clientId: 'lumen-readiness',
    brokers: [...brokers],
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    // The probe reports failures itself; kafkajs would also log each one as an error.
    logLevel: logLevel.NOTHING,
  });
  return {
    name: 'kafka',
    async check() {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('the cluster reports no brokers');
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
