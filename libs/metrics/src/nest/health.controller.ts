import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { checkReadiness, type Readiness } from '../health/dependency-check';
import { METRICS_OPTIONS, type MetricsModuleOptions } from './metrics.options';

/** The slice of Fastify's reply (and Express' response) the readiness answer needs. */
interface StatusReply {
  status(code: number): unknown;
}

/**
 * Liveness says the process can answer (restart it if not); readiness says it can do its work
 * (send it traffic if so). A dependency that is down makes the service unready, not dead:
 * restarting it would not bring the database back.
 */
@Controller('health')
export class HealthController {
  constructor(@Inject(METRICS_OPTIONS) private readonly options: MetricsModuleOptions) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'live'; service: string } {
    return { status: 'live', service: this.options.service };
  }

  /** 200 when every dependency answered in time, else 503 naming the ones that did not. */
  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<Readiness & { service: string }> {
    const readiness = await checkReadiness(
      this.options.readinessChecks,
      this.options.readinessTimeoutMs ?? 2_000,
    );
    reply.status(readiness.ready ? 200 : 503);
    return { service: this.options.service, ...readiness };
  }
}
