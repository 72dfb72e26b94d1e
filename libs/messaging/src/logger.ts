/**
 * The slice of a structured logger this library needs. A pino logger (the one
 * `#lumen/observability` creates, which redacts personal fields) satisfies it.
 */
export interface MessagingLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export const silentLogger: MessagingLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
