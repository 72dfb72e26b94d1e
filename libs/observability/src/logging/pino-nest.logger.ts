import type { LoggerService } from '@nestjs/common';
import type { Logger } from './logger.factory';

type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

// Nest appends a stack trace as a string argument to error() and fatal(); this is the test Nest's
// own ConsoleLogger uses to tell it from the context name.
const looksLikeStack = (value: unknown): value is string =>
  typeof value === 'string' && /\n[ \t]+at .+:\d+:\d+/.test(value);

/**
 * Routes Nest's own logs (bootstrap, routing, exceptions) through the redacting logger:
 * `NestFactory.create(AppModule, adapter, { logger: new PinoNestLogger(logger) })`.
 *
 * Nest calls `log(message, ...params, context?)`: a trailing string is the context (the class that
 * logged), a stack-shaped string is a stack trace, plain objects are structured fields.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: PinoLevel, message: unknown, params: unknown[]): void {
    const fields: Record<string, unknown> = {};
    const rest = [...params];
    const last = rest.at(-1);
    if (typeof last === 'string' && !looksLikeStack(last)) {
      fields['context'] = last;
      rest.pop();
    }
    const extra: unknown[] = [];
    for (const param of rest) {
      if (looksLikeStack(param)) fields['stack'] = param;
      else if (isPlainObject(param)) Object.assign(fields, param);
      else if (param !== undefined) extra.push(param);
    }
    if (extra.length > 0) fields['params'] = extra;

    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'string') {
      this.logger[level](fields, message);
    } else {
      this.logger[level]({ ...fields, message });
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
