// Makes sure PostgreSQL answers. On these machines it is a system service started by the
// machine's own command; we only run that command when the server is local and down.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Resolves to a short description of the server; throws with a clear message if it is down. */
export async function ensurePostgres({ url = process.env.DATABASE_URL ?? DEFAULT_URL, log } = {}) {
  const first = await probe(url);
  if (first.ok) return first.detail;

  const { hostname, port } = new URL(url);
  if (!LOCAL_HOSTS.has(hostname)) {
    throw new Error(`PostgreSQL at ${hostname}:${port || 5432} does not answer: ${first.detail}`);
  }

  log?.(`postgres: not answering (${first.detail}); starting the local cluster`);
  startLocalCluster();
  let last = first;
  for (let i = 0; i < 30; i++) {
    await sleep(500);
    last = await probe(url);
    if (last.ok) return last.detail;
  }
  throw new Error(
    `PostgreSQL still does not answer at ${hostname}:${port || 5432} after starting it: ` +
      `${last.detail}. Check 'pg_lsclusters' and the log under /var/log/postgresql/.`,
  );
}

async function probe(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    const { rows } = await client.query('SHOW server_version');
    return { ok: true, detail: `PostgreSQL ${rows[0].server_version.split(' ')[0]}` };
  } catch (error) {
    // The server answered, the database just does not exist yet: provisioning creates it.
    if (error.code === '3D000')
      return { ok: true, detail: 'PostgreSQL (database not created yet)' };
    return { ok: false, detail: error.message || error.code || String(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The machine's command: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start */
function startLocalCluster() {
  let versions;
  try {
    versions = fs.readdirSync('/etc/postgresql');
  } catch {
    throw new Error(
      'PostgreSQL is down and not installed here (no /etc/postgresql). ' +
        'Install it (apt-get install postgresql) or set DATABASE_URL.',
    );
  }
  for (const version of versions) {
    const result = spawnSync(
      'pg_ctlcluster',
      ['--skip-systemctl-redirect', version, 'main', 'start'],
      { encoding: 'utf8' },
    );
    // Exit status 2 means "already running"; anything else is worth showing.
    if (result.error || (result.status !== 0 && result.status !== 2)) {
      const output = result.error?.message ?? `${result.stdout}${result.stderr}`.trim();
      throw new Error(`Could not start PostgreSQL ${version}: ${output}`);
    }
  }
}
