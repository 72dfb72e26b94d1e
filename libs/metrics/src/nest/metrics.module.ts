import { Module, type DynamicModule } from '@nestjs/common';
import { startProcessMetrics } from '../registry/metrics.registry';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import type { DependencyCheck } from '../health/dependency-check';
import { METRICS_OPTIONS, READINESS_CHECKS, type MetricsModuleOptions } from './metrics.options';

/**
 * `GET /metrics`, `GET /health/live` and `GET /health/ready` for one service. Import it once in
 * the app module: `MetricsModule.forRoot({ service: 'payment', readinessChecks: [...] })`.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsModuleOptions): DynamicModule {
    startProcessMetrics(options.service);
    return {
      module: MetricsModule,
      controllers: [MetricsController, HealthController],
      providers: [
        { provide: METRICS_OPTIONS, useValue: options },
        {
          provide: READINESS_CHECKS,
          inject: [...(options.readinessCheckProviders ?? [])],
          useFactory: (...provided: DependencyCheck[]): readonly DependencyCheck[] => [
            ...options.readinessChecks,
            ...provided,
          ],
        },
      ],
    };
  }
}
