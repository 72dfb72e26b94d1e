import { z } from 'zod';
import type { FieldProblem } from '../domain/checkout.exception';

/** Property names are echoed only when they look like identifiers: a key is user input too. */
const SAFE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const name = String(part);
      out += (out === '' ? '' : '.') + (SAFE_KEY.test(name) ? name : '(unnamed property)');
    }
  }
  return out === '' ? '(body)' : out;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** The schema that validates the value at `path`, or undefined if the path leaves the schema. */
function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(root);
  for (const part of path) {
    if (current instanceof z.ZodObject && typeof part === 'string') {
      const child: z.ZodType | undefined = (current.shape as Record<string, z.ZodType | undefined>)[
        part
      ];
      current = child === undefined ? undefined : unwrap(child);
    } else if (current instanceof z.ZodArray && typeof part === 'number') {
      current = unwrap(current.element as z.ZodType);
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * Turns zod issues into `{ field, expected }` pairs. `expected` comes from the schema's own
 * descriptions, so it says what the field takes and never repeats what was sent (zod's own
 * messages can quote input, e.g. an unknown key).
 */
export function describeProblems(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const owner = schemaAt(schema, issue.path);
      const allowed = owner instanceof z.ZodObject ? Object.keys(owner.shape) : [];
      for (const key of issue.keys) {
        problems.push({
          field: fieldPath([...issue.path, key]),
          expected: `no such property: ${issue.path.length === 0 ? 'the body' : fieldPath(issue.path)} takes only ${allowed.join(', ')}`,
        });
      }
      continue;
    }
    const described = schemaAt(schema, issue.path)?.description;
    problems.push({
      field: fieldPath(issue.path),
      expected: described ?? 'a value as described in GET /openapi.json',
    });
  }
  // One entry per field: a field failing two checks needs saying once.
  return problems.filter(
    (problem, index) => problems.findIndex((p) => p.field === problem.field) === index,
  );
}
