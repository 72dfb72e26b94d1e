import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SimulatorException, statusOf } from '../../payments/domain/simulator.exception';

/** Maps the simulator's refusals to HTTP answers a person can act on. */
@Catch(SimulatorException)
export class SimulatorExceptionFilter implements ExceptionFilter {
  catch(exception: SimulatorException, host: ArgumentsHost): void {
    const status = statusOf(exception.code);
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(status)
      .send({ statusCode: status, code: exception.code, message: exception.message });
  }
}
