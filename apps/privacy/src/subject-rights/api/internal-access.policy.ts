import type { FastifyRequest } from 'fastify';

/**
 * Who may call the privacy service's internal endpoints (the register export). Pluggable: the
 * operator token now; staff sessions with roles replace it without touching the controllers.
 */
export abstract class InternalAccessPolicy {
  /** A short reason when refused; undefined when allowed. */
  abstract refusal(request: FastifyRequest): string | undefined;
}
