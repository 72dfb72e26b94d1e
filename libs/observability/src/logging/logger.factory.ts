import pino from 'pino';
import { redactPersonalData } from '../redaction/personal-data.redactor';
import { traceContextMixin } from './trace-context.mixin';

export type Logger = pino.Logger;

export interface CreateLoggerOptions {
  /** Written as `service` on every line. */
  service: string;
  /** pino level name; defaults to "info". */
  level?: string;
  /** Defaults to stdout. Tests pass an in-memory stream. */
  destination?: pino.DestinationStream;
}

/**
 * A JSON logger that cannot write personal data: every logged object, child binding and message
 * goes through `redactPersonalData` before it is serialised, and every line carries the active
 * span's `trace_id` and `span_id`.
 *
 * pino's own `redact.paths` needs fixed paths, but personal fields turn up at any depth (an
 * address inside an order inside an event), so redaction walks the whole value instead.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const loggerOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service },
    mixin: traceContextMixin,
    formatters: {
      log: (object) => redactPersonalData(object) as Record<string, unknown>,
    },
    hooks: {
      // printf-style arguments (`%s`, `%o`, `%j`) are interpolated into the message, where an
      // object's personal keys could no longer be recognised: redact them while they are values.
      logMethod(args, method) {
        const [first, ...rest] = args;
        method.apply(this, [first, ...rest.map(redactPersonalData)] as typeof args);
      },
    },
    serializers: {
      // The message itself never reaches `formatters.log`, whether passed as a string or copied
      // by pino from a logged Error; pino runs the serializer named after the message key on it.
      msg: redactPersonalData,
      // `formatters.log` runs before serializers and has already turned errors into redacted
      // plain objects; pino's default err serializer would re-read those and label them "Object".
      err: (error: unknown) => error,
    },
  };
  const logger =
    options.destination === undefined
      ? pino(loggerOptions)
      : pino(loggerOptions, options.destination);
  return redactingChildBindings(logger);
}

/**
 * Bindings given to `child()` reach neither `formatters.log` nor `formatters.bindings` (pino
 * resets that one for children), so they are redacted on the way in. Children are created with
 * `Object.create(parent)`, so overriding `child` on the root covers grandchildren too.
 */
function redactingChildBindings(logger: Logger): Logger {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the caller's `this`
  const pinoChild = logger.child;
  logger.child = function child(this: Logger, bindings, childOptions) {
    return pinoChild.call(this, redactPersonalData(bindings) as pino.Bindings, childOptions);
  } as Logger['child'];
  return logger;
}
