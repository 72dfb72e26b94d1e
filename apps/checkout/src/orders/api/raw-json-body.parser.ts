import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A request whose JSON body was parsed by `useRawJsonBodyParser`, with the text it came from. */
export type RawBodyRequest = FastifyRequest & { rawJson?: string };

/**
 * Replaces Fastify's JSON parser with one that keeps the raw text (the card-number guard reads
 * digits exactly as sent, which JSON numbers lose) and whose errors never quote the body.
 * Fastify's `bodyLimit` still applies first: an oversized body is a 413 before any parsing.
 */
export function useRawJsonBodyParser(fastify: FastifyInstance): void {
  // JSON only: any other media type is a 415 (Fastify would otherwise parse text/plain too).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (request: RawBodyRequest, body: string | Buffer, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      request.rawJson = text;
      if (text.trim() === '') {
        done(
          Object.assign(new Error('empty body'), {
            statusCode: 400,
            code: 'FST_ERR_CTP_EMPTY_JSON_BODY',
          }),
          undefined,
        );
        return;
      }
      try {
        done(null, JSON.parse(text) as unknown);
      } catch {
        done(
          Object.assign(new Error('invalid JSON'), {
            statusCode: 400,
            code: 'FST_ERR_CTP_INVALID_JSON_BODY',
          }),
          undefined,
        );
      }
    },
  );
}
