import type { FastifyInstance } from 'fastify';

/**
 * Keeps JSON bodies as the bytes that arrived: a signed callback is verified on exactly those
 * bytes before anything parses them, so a malformed or forged body is refused as unsigned,
 * not half-read. Fastify's `bodyLimit` still applies first.
 */
export function useRawJsonBody(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (_request, body, done) => {
      done(null, typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
    },
  );
}
