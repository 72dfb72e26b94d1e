import type { FastifyInstance } from 'fastify';

/** The first path (`params.subject`, `body.notes`, …) to a string holding a NUL character. */
function nulPath(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  // Bodies are at most 16 KiB, so this is bounded; the depth limit guards the stack anyway.
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}.${key.replaceAll('\u0000', '\\0')}`;
    const found = nulPath(item, `${path}.${key}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Refuses any request with a NUL character in a path parameter, a query value or a body
 * string, before a handler can pass it to PostgreSQL, which rejects NUL in text with an
 * error that would otherwise surface as a 500 (found by privacy-api.fuzz.int-spec.ts on
 * nine routes). No field of this service may hold one, so the refusal is uniform.
 */
export function refuseNulCharacters(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', async (request, reply) => {
    const where =
      nulPath(request.params, 'params') ??
      nulPath(request.query, 'query') ??
      nulPath(request.body, 'body');
    if (where === undefined) return;
    await reply
      .status(400)
      .header('cache-control', 'no-store')
      .send({
        statusCode: 400,
        code: 'invalid-request',
        message: `${where}: a NUL character is not allowed here`,
      });
  });
}
