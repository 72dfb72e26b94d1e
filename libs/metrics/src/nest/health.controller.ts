import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { checkReadiness, type DependencyCheck, type Readiness } from '../health/dependency-check';
import { METRICS_OPTIONS, READINESS_CHECKS, type MetricsModuleOptions } from './metrics.options';

/** The slice of Fastify's reply (and Express' response) the readiness answer needs. */
interface StatusReply {
  status(code: number): unknown;
}

/**
 * Liveness says the process can answer (restart it if not); readiness says it can do its work
 * (send it traffic if so). A dependency that is down, or a consumer still joining its group,
 * makes the service unready, not dead: restarting it would not bring the database back, and
 * would start the join over.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(METRICS_OPTIONS) private readonly options: MetricsModuleOptions,
    @Inject(READINESS_CHECKS) private readonly checks: readonly DependencyCheck[],
  ) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'live'; service: string } {
    return { status: 'live', service: this.options.service };
  }

  /**
   * 200 when every check passed in time, else 503 naming the ones that did not: a dependency
   * that does not answer, or a consumer that has not joined its group yet.
   */
  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<Readiness & { service: string }> {
    const readiness = await checkReadiness(this.checks, this.options.readinessTimeoutMs ?? 2_000);
    reply.status(readiness.ready ? 200 : 503);
    return { service: this.options.service, ...readiness };
  }
}
