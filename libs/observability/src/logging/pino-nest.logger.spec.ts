import { createLogger } from './logger.factory';
import { PinoNestLogger } from './pino-nest.logger';

describe('PinoNestLogger', () => {
  function setUp(): { nest: PinoNestLogger; lines: () => Record<string, unknown>[] } {
    const written: string[] = [];
    const logger = createLogger({
      service: 'checkout',
      level: 'trace',
      destination: { write: (line) => written.push(line) },
    });
    return {
      nest: new PinoNestLogger(logger),
      lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
    };
  }

  it('maps Nest levels onto pino levels and keeps the context', () => {
    const { nest, lines } = setUp();

    nest.log('Nest application successfully started', 'NestApplication');
    nest.warn('slow');
    nest.debug('details', 'OrdersController');
    nest.verbose('chatty');
    nest.fatal('down');

    expect(lines().map((line) => [line['level'], line['msg'], line['context']])).toEqual([
      [30, 'Nest application successfully started', 'NestApplication'],
      [40, 'slow', undefined],
      [20, 'details', 'OrdersController'],
      [10, 'chatty', undefined],
      [60, 'down', undefined],
    ]);
  });

  it('tells a stack trace from a context, as Nest does', () => {
    const { nest, lines } = setUp();
    const stack = 'Error: boom\n    at handler (/app/orders.controller.js:10:5)';

    nest.error('boom', stack, 'ExceptionsHandler');
    nest.error('boom', stack);

    expect(lines()).toMatchObject([
      { level: 50, msg: 'boom', stack, context: 'ExceptionsHandler' },
      { level: 50, msg: 'boom', stack },
    ]);
    expect(lines()[1]).not.toHaveProperty('context');
  });

  it('redacts what Nest logs: messages, errors and structured fields', () => {
    const { nest, lines } = setUp();

    nest.error(new Error('no customer jane@example.com'), 'CustomersService');
    nest.log('created', { customerEmail: 'bob@example.com', email: 'x' }, 'CustomersService');

    expect(lines()).toMatchObject([
      {
        msg: 'no customer [redacted]',
        context: 'CustomersService',
        err: { type: 'Error', message: 'no customer [redacted]' },
      },
      { msg: 'created', customerEmail: '[redacted]', email: '[redacted]' },
    ]);
  });
});
