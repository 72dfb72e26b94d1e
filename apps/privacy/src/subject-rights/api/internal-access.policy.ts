import type { FastifyRequest } from 'fastify';

/**
 * Who else may call the privacy service's internal endpoints (the register export) besides
 * staff with a declared role: the operator token today. Pluggable without touching controllers.
 */
export abstract class InternalAccessPolicy {
  /** A short reason when refused; undefined when allowed. */
  abstract refusal(request: FastifyRequest): string | undefined;
}
