// Makes sure Redis answers. On these machines it runs without persistence, started by the
// machine's own command; we only run that command when the server is local and down.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';

const DEFAULT_URL = 'redis://127.0.0.1:6379';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const START_ARGS = [
  '--daemonize',
  'yes',
  '--bind',
  '127.0.0.1',
  '-::1',
  '--port',
  '6379',
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  '/var/lib/redis',
  '--logfile',
  '/var/log/redis/ci.log',
];

/** Resolves to a short description of the server; throws with a clear message if it is down. */
export async function ensureRedis({ url = process.env.REDIS_URL ?? DEFAULT_URL, log } = {}) {
  const first = await probe(url);
  if (first.ok) return first.detail;

  const { hostname, port } = new URL(url);
  if (!LOCAL_HOSTS.has(hostname) || (port && port !== '6379')) {
    throw new Error(`Redis at ${hostname}:${port || 6379} does not answer: ${first.detail}`);
  }

  log?.(`redis: not answering (${first.detail}); starting redis-server`);
  const result = spawnSync('redis-server', START_ARGS, { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      "Redis is down and 'redis-server' is not on PATH. Install it (apt-get install redis-server) or set REDIS_URL.",
    );
  }
  if (result.status !== 0) {
    throw new Error(`redis-server failed to start: ${`${result.stdout}${result.stderr}`.trim()}`);
  }
  let last = first;
  for (let i = 0; i < 20; i++) {
    await sleep(250);
    last = await probe(url);
    if (last.ok) return last.detail;
  }
  throw new Error(
    `Redis still does not answer at ${hostname}:6379 after starting it: ${last.detail}. ` +
      'See /var/log/redis/ci.log.',
  );
}

async function probe(url) {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null, // one attempt; we do the waiting
    enableOfflineQueue: false,
  });
  // The socket error (e.g. ECONNREFUSED) arrives as an event; connect() only rejects with
  // "Connection is closed". Keep the event's message for the report.
  let socketError;
  redis.on('error', (error) => (socketError = error));
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    return { ok: true, detail: `Redis ${version}` };
  } catch (error) {
    return { ok: false, detail: (socketError ?? error).message || String(error) };
  } finally {
    redis.disconnect();
  }
}
