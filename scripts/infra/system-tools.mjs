// Machine tools the test suite drives but npm cannot provide: a headless Chromium (the
// operations page is checked in a real browser) and Prometheus' `promtool` (the alert rules
// are checked by Prometheus' own parser). Both come from Debian packages.
//
//   ensureTestTools({ log }) -> { CHROMIUM_PATH, PROMTOOL_PATH }, installing what is missing
//                               with apt-get when this process may (root), else failing with
//                               the command to run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const TOOLS = [
  { env: 'CHROMIUM_PATH', binary: '/usr/bin/chromium', debianPackage: 'chromium' },
  { env: 'PROMTOOL_PATH', binary: '/usr/bin/promtool', debianPackage: 'prometheus' },
];

function present(tool) {
  const chosen = process.env[tool.env] ?? tool.binary;
  return fs.existsSync(chosen) ? chosen : undefined;
}

function aptGet(args, log) {
  const result = spawnSync('apt-get', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    log(result.stdout.slice(-2000));
    log(result.stderr.slice(-2000));
    throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status})`);
  }
}

export async function ensureTestTools({ log }) {
  const missing = TOOLS.filter((tool) => !present(tool));
  if (missing.length > 0) {
    const packages = missing.map((tool) => tool.debianPackage);
    const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
    if (process.getuid?.() !== 0) {
      throw new Error(`missing ${packages.join(', ')}: run \`sudo sh -c '${command}'\``);
    }
    log(`test tools: installing ${packages.join(', ')} from Debian (first run only)`);
    aptGet(['update'], log);
    aptGet(['install', '-y', '--no-install-recommends', ...packages], log);
  }
  const env = {};
  for (const tool of TOOLS) {
    const found = present(tool);
    if (!found)
      throw new Error(`${tool.binary} still missing after installing ${tool.debianPackage}`);
    env[tool.env] = found;
  }
  return env;
}
