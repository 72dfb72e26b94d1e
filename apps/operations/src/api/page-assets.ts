import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface PageAsset {
  readonly body: string;
  readonly contentType: string;
}

const ASSETS: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'operations.js': 'text/javascript; charset=utf-8',
  'operations.css': 'text/css; charset=utf-8',
};

/**
 * The page is plain files in apps/operations/public, read once at boot. From the sources (tests)
 * they sit two folders up; from the build (dist/apps/operations/src/api) the folder is found
 * back in the checkout, since tsc copies no HTML.
 */
export function loadPageAssets(publicDir: string | undefined): ReadonlyMap<string, PageAsset> {
  const candidates = publicDir
    ? [resolve(publicDir)]
    : [
        resolve(__dirname, '..', '..', 'public'),
        resolve(__dirname, '..', '..', '..', '..', '..', 'apps', 'operations', 'public'),
      ];
  const dir = candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
  if (dir === undefined) {
    throw new Error(
      `operations page not found in ${candidates.join(' or ')} (OPERATIONS_PUBLIC_DIR)`,
    );
  }
  return new Map(
    Object.entries(ASSETS).map(([file, contentType]) => [
      file,
      { body: readFileSync(join(dir, file), 'utf8'), contentType },
    ]),
  );
}
