import { z } from 'zod';
import { ConfigError } from './config-error';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment once, at boot, into a typed object. Every app calls this exactly
 * once from its config module; nothing else reads `process.env`. A bad value stops the app
 * with a message naming the variable and what it expected (never the value: it may be a
 * secret).
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Environment = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      return `${variable}: ${issue.message}`;
    }),
  );
}
