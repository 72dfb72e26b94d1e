import { Inject, Injectable } from '@nestjs/common';
import {
  OPERATIONS_CONFIG,
  type OperationsConfig,
  type ScrapedService,
} from '../config/operations.config';
import { parsePrometheusText, type Sample } from './prometheus-text.parser';

export interface ServiceScrape {
  readonly service: ScrapedService;
  readonly up: boolean;
  readonly samples: readonly Sample[];
  readonly scrapeMs: number;
  /** Why the scrape failed: a status code or a network error class, never a response body. */
  readonly error?: string;
}

/** Fetches every service's `/metrics` at once, each bounded by the scrape timeout. */
@Injectable()
export class ServiceScraper {
  constructor(@Inject(OPERATIONS_CONFIG) private readonly config: OperationsConfig) {}

  scrapeAll(): Promise<ServiceScrape[]> {
    const services = Object.keys(this.config.services) as ScrapedService[];
    return Promise.all(services.map((service) => this.scrape(service)));
  }

  private async scrape(service: ScrapedService): Promise<ServiceScrape> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    try {
      const response = await fetch(`${this.config.services[service]}/metrics`, {
        signal: AbortSignal.timeout(this.config.scrapeTimeoutMs),
      });
      if (!response.ok) {
        return {
          service,
          up: false,
          samples: [],
          scrapeMs: elapsed(),
          error: `HTTP ${response.status}`,
        };
      }
      const samples = parsePrometheusText(await response.text());
      return { service, up: true, samples, scrapeMs: elapsed() };
    } catch (error) {
      const reason = error instanceof Error ? error.name : 'error';
      return { service, up: false, samples: [], scrapeMs: elapsed(), error: reason };
    }
  }
}
