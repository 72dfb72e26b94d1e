import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** deploy/data-map.json: where each category of data may appear in plaintext. */
const dataMapSchema = z.object({
  categories: z.record(
    z.string(),
    z.strictObject({ description: z.string(), allowedIn: z.array(z.string()) }),
  ),
});
export type DataMap = z.infer<typeof dataMapSchema>;

export function loadDataMap(root: string): DataMap {
  return dataMapSchema.parse(
    JSON.parse(readFileSync(join(root, 'deploy', 'data-map.json'), 'utf8')),
  );
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${escaped}$`);
}

/** True when the map allows `category` at `location`. An unknown category is never allowed. */
export function isAllowed(map: DataMap, category: string, location: string): boolean {
  const entry = map.categories[category];
  return entry?.allowedIn.some((glob) => globToRegExp(glob).test(location)) ?? false;
}
