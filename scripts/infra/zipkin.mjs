// A local Zipkin trace server (in-memory storage, UI and API on 127.0.0.1:9411), from the
// executable jar on Maven Central. `npm start` starts it so every service exports its spans
// there and one order can be followed as one trace; tests do not need it.
//
//   ensureZipkin({ log }) -> the spans endpoint, or undefined when OTEL_* points elsewhere
//   stopZipkin({ log })   -> stops the server this checkout started (pidfile), if any
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const POM = path.join(ROOT, 'deploy', 'zipkin', 'pom.xml');
const CACHE_DIR = path.join(ROOT, '.cache', 'zipkin');
const PID_FILE = path.join(CACHE_DIR, 'zipkin.pid');
const LOG_FILE = path.join(CACHE_DIR, 'zipkin.log');
const BASE_URL = 'http://127.0.0.1:9411';
export const ZIPKIN_UI = `${BASE_URL}/zipkin/`;
export const ZIPKIN_SPANS_ENDPOINT = `${BASE_URL}/api/v2/spans`;
const START_TIMEOUT_MS = 120_000;

let startedHere = false;

export function zipkinStartedHere() {
  return startedHere;
}

function zipkinVersion() {
  const match = /<zipkin\.version>([^<]+)<\/zipkin\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!match) throw new Error(`no <zipkin.version> in ${POM}`);
  return match[1].trim();
}

async function healthy() {
  try {
    const response = await fetch(`${BASE_URL}/health`, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Makes sure a Zipkin server answers on 127.0.0.1:9411: reuses one that does, else resolves
 * the jar (once) and starts it detached, so it outlives the command like the Kafka broker.
 * When OTEL_EXPORTER_ZIPKIN_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT is set, the user runs
 * their own backend and nothing is started.
 */
export async function ensureZipkin({ log = console.log } = {}) {
  if (process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    log('zipkin: not started (an OTEL exporter endpoint is configured)');
    return undefined;
  }
  if (await healthy()) return ZIPKIN_SPANS_ENDPOINT;

  const version = zipkinVersion();
  const jar = path.join(CACHE_DIR, version, 'zipkin-server.jar');
  if (!fs.existsSync(jar)) {
    if (spawnSync('mvn', ['-v']).error) {
      throw new Error(
        "Zipkin's jar comes from Maven Central, but 'mvn' is not on PATH: apt-get install maven",
      );
    }
    log(`zipkin: fetching zipkin-server ${version} from Maven Central (first run: ~130 MB)`);
    const mvn = spawnSync('mvn', ['-B', '-q', '-f', POM, 'package'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (mvn.status !== 0 || !fs.existsSync(jar)) {
      throw new Error(
        `Maven could not fetch zipkin-server ${version}:\n${(mvn.stdout + mvn.stderr).slice(-2_000)}`,
      );
    }
  }
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const out = fs.openSync(LOG_FILE, 'w');
  const child = spawn(
    'java',
    ['-Xms256m', '-Xmx1g', '-jar', jar, '--server.address=127.0.0.1', '--server.port=9411'],
    { cwd: ROOT, detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  fs.writeFileSync(PID_FILE, `${child.pid}\n`);
  child.unref();
  startedHere = true;

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await healthy())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`Zipkin did not start; see ${path.relative(ROOT, LOG_FILE)}`);
    }
    await sleep(500);
  }
  log(`zipkin: started zipkin-server ${version} (pid ${child.pid})`);
  return ZIPKIN_SPANS_ENDPOINT;
}

export async function stopZipkin({ log = console.log } = {}) {
  if (!fs.existsSync(PID_FILE)) return false;
  const pid = Number(fs.readFileSync(PID_FILE, 'utf8').trim());
  fs.rmSync(PID_FILE, { force: true });
  startedHere = false;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false; // already gone
  }
  log(`zipkin: stopped (pid ${pid})`);
  return true;
}
