import type { z } from 'zod';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';

/** Parses a body or refuses it with a 400 naming the first field at fault. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.join('.') || 'body';
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown propert${issue.keys.length > 1 ? 'ies' : 'y'} ${issue.keys.join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'}`
      : (issue?.message ?? 'invalid');
  throw new StaffException(StaffErrorCode.InvalidRequest, `${path}: ${message}`);
}
