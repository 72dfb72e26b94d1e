import { Controller, Get, Header } from '@nestjs/common';
import { metricsRegistry } from '../registry/metrics.registry';

/** Prometheus' text exposition format: what Prometheus and the operations page scrape. */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
