import type { z } from 'zod';
import { SimulatorException } from '../domain/simulator.exception';

/** Validates a request body; a refusal names each bad field so a person can fix it. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new SimulatorException(
    'invalid-request',
    parsed.error.issues
      .map((issue) => `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`)
      .join('; '),
  );
}
