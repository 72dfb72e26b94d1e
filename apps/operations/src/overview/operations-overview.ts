import { Inject, Injectable } from '@nestjs/common';
import { OPERATIONS_CONFIG, type OperationsConfig } from '../config/operations.config';
import { ServiceScraper, type ServiceScrape } from '../scrape/service-scraper';
import {
  maximum,
  minimum,
  quantiles,
  rate,
  total,
  totalsBy,
  type LabelFilter,
  type Quantiles,
  type Snapshot,
} from './metric-history';

/** A count or level, with its per-second rate over the window when it is a counter. */
export interface Figure {
  readonly id: string;
  readonly label: string;
  readonly unit: 'count' | 'seconds' | 'per-second' | 'ratio';
  readonly value: number | null;
  readonly ratePerSecond?: number | null;
  /** Counts behind the figure, by reason or status: `{ declined: 2 }`. */
  readonly breakdown?: Readonly<Record<string, number>>;
  /** Set when the figure needs attention (an alert threshold in deploy/prometheus/alerts.yml). */
  readonly warning?: string;
}

export interface Latency extends Quantiles {
  readonly id: string;
  readonly label: string;
}

export interface Stage {
  readonly id: string;
  readonly title: string;
  readonly figures: readonly Figure[];
  readonly latencies: readonly Latency[];
}

export interface Overview {
  readonly generatedAt: string;
  readonly windowSeconds: number;
  readonly services: readonly Omit<ServiceScrape, 'samples'>[];
  readonly stages: readonly Stage[];
}

const MIN_SCRAPE_INTERVAL_MS = 1_000;
const GATEWAY_ERRORS = ['unavailable', 'unverified', 'rejected', 'error'];
const CARRIER_ERRORS = ['unavailable', 'rejected', 'error'];

/**
 * The pipeline as stages, computed from the services' own `/metrics`: scraped on demand (at most
 * once a second however many pages are open), kept for the window, and turned into counts, rates
 * and percentiles the way Prometheus' `rate()` and `histogram_quantile()` would.
 */
@Injectable()
export class OperationsOverview {
  private history: Snapshot[] = [];
  private lastScrape: ServiceScrape[] = [];
  private scraping: Promise<void> | undefined;

  constructor(
    private readonly scraper: ServiceScraper,
    @Inject(OPERATIONS_CONFIG) private readonly config: OperationsConfig,
  ) {}

  async overview(): Promise<Overview> {
    const newest = this.history.at(-1);
    if (newest === undefined || Date.now() - newest.at >= MIN_SCRAPE_INTERVAL_MS) {
      this.scraping ??= this.scrape().finally(() => {
        this.scraping = undefined;
      });
      await this.scraping;
    }
    const last = this.history.at(-1);
    const first = this.history[0];
    if (last === undefined || first === undefined) throw new Error('no scrape taken');
    return {
      generatedAt: new Date(last.at).toISOString(),
      windowSeconds: Math.round((last.at - first.at) / 1000),
      services: this.lastScrape.map(({ samples: _samples, ...status }) => status),
      stages: buildStages(first, last),
    };
  }

  private async scrape(): Promise<void> {
    const scrapes = await this.scraper.scrapeAll();
    const at = Date.now();
    this.lastScrape = scrapes;
    this.history.push({ at, samples: scrapes.flatMap((s) => s.samples) });
    const oldest = at - this.config.windowSeconds * 1000;
    // Keep the newest snapshot at or before the window's start, so rates span the whole window.
    while (this.history.length > 2 && (this.history[1]?.at ?? at) <= oldest) this.history.shift();
  }
}

function buildStages(first: Snapshot, last: Snapshot): Stage[] {
  const counter = (
    id: string,
    label: string,
    name: string,
    filter: LabelFilter = {},
    by?: string,
  ): Figure => ({
    id,
    label,
    unit: 'count',
    value: total(last, name, filter),
    ratePerSecond: rate(first, last, name, filter),
    ...(by && { breakdown: totalsBy(last, name, by, filter) }),
  });
  const level = (
    id: string,
    label: string,
    name: string,
    filter: LabelFilter = {},
    by?: string,
  ): Figure => ({
    id,
    label,
    unit: 'count',
    value: total(last, name, filter),
    ...(by && { breakdown: totalsBy(last, name, by, filter) }),
  });
  const latency = (id: string, label: string, name: string, filter: LabelFilter = {}): Latency => ({
    id,
    label,
    ...quantiles(first, last, name, filter),
  });
  const errorRatio = (id: string, label: string, name: string, errors: string[]): Figure => {
    const all = rate(first, last, name);
    const failed = rate(first, last, name, { outcome: errors });
    const ratio = all === null || failed === null || all === 0 ? null : failed / all;
    return {
      id,
      label,
      unit: 'ratio',
      value: ratio,
      breakdown: totalsBy(last, name, 'outcome'),
      ...(ratio !== null && ratio > 0.05 && { warning: 'more than 5% of requests fail' }),
    };
  };

  const outboxAge = maximum(last, 'lumen_outbox_oldest_age_seconds');
  const lag = total(last, 'lumen_consumer_lag');
  const deadLetters = counter(
    'dead-letters',
    'Dead-lettered events',
    'lumen_dead_letters_total',
    {},
    'reason',
  );
  const oldestToken = maximum(last, 'lumen_card_token_oldest_live_age_seconds');
  const overdue = total(last, 'lumen_privacy_requests_overdue');
  const nearestDeadline = minimum(last, 'lumen_privacy_request_nearest_deadline_seconds');
  const tracking = maximum(last, 'lumen_privacy_request_tracking_available');

  return [
    {
      id: 'checkout',
      title: 'Checkout',
      figures: [
        counter('orders-accepted', 'Orders accepted', 'lumen_checkout_order_requests_total', {
          outcome: 'accepted',
        }),
        counter(
          'orders-refused',
          'Orders refused',
          'lumen_checkout_order_requests_total',
          { outcome: 'refused' },
          'reason',
        ),
        level('orders-by-status', 'Orders by status', 'lumen_orders_by_status', {}, 'status'),
      ],
      latencies: [],
    },
    {
      id: 'payment',
      title: 'Payment',
      figures: [
        level('payments-by-status', 'Payments by status', 'lumen_payments_by_status', {}, 'status'),
        counter(
          'gateway-requests',
          'Gateway requests',
          'lumen_gateway_requests_total',
          {},
          'outcome',
        ),
        errorRatio(
          'gateway-errors',
          'Gateway error rate',
          'lumen_gateway_requests_total',
          GATEWAY_ERRORS,
        ),
      ],
      latencies: [
        latency('gateway-latency', 'Gateway request', 'lumen_gateway_request_duration_seconds'),
        latency('to-payment', 'Placed → payment confirmed', 'lumen_order_time_to_stage_seconds', {
          stage: 'payment_confirmed',
        }),
      ],
    },
    {
      id: 'fulfilment',
      title: 'Fulfilment',
      figures: [
        level(
          'shipments-by-status',
          'Shipments by status',
          'lumen_shipments_by_status',
          {},
          'status',
        ),
        counter(
          'carrier-requests',
          'Carrier requests',
          'lumen_carrier_requests_total',
          {},
          'outcome',
        ),
        errorRatio(
          'carrier-errors',
          'Carrier error rate',
          'lumen_carrier_requests_total',
          CARRIER_ERRORS,
        ),
      ],
      latencies: [
        latency('carrier-latency', 'Carrier request', 'lumen_carrier_request_duration_seconds'),
        latency('handover', 'Accepted → handed to carrier', 'lumen_shipment_handover_seconds'),
        latency('to-shipped', 'Placed → shipped', 'lumen_order_time_to_stage_seconds', {
          stage: 'shipped',
        }),
        latency('to-delivered', 'Placed → delivered', 'lumen_order_time_to_stage_seconds', {
          stage: 'delivered',
        }),
      ],
    },
    {
      id: 'messaging',
      title: 'Messaging',
      figures: [
        counter('events-published', 'Events published', 'lumen_events_published_total'),
        counter('events-consumed', 'Events consumed', 'lumen_events_consumed_total', {}, 'outcome'),
        level('outbox-backlog', 'Outbox backlog', 'lumen_outbox_backlog', {}, 'service'),
        {
          id: 'outbox-oldest',
          label: 'Oldest unpublished event',
          unit: 'seconds',
          value: outboxAge,
          ...(outboxAge !== null && outboxAge > 60 && { warning: 'older than a minute' }),
        },
        {
          ...level('consumer-lag', 'Consumer lag', 'lumen_consumer_lag', {}, 'group'),
          ...(lag > 1000 && { warning: 'more than 1,000 events behind' }),
        },
        {
          ...deadLetters,
          ...((deadLetters.ratePerSecond ?? 0) > 0 && {
            warning: 'events are being dead-lettered',
          }),
        },
      ],
      latencies: [],
    },
    {
      id: 'privacy',
      title: 'Privacy',
      figures: [
        level('card-tokens-live', 'Card tokens not destroyed yet', 'lumen_card_tokens_live'),
        {
          id: 'card-token-oldest',
          label: 'Oldest live card token',
          unit: 'seconds',
          value: oldestToken,
          ...(oldestToken !== null &&
            oldestToken > 24 * 3600 && { warning: 'a card token outlived its day' }),
        },
        counter('key-operations', 'Key operations', 'lumen_key_operations_total', {}, 'outcome'),
        level(
          'privacy-requests-open',
          'Privacy requests open',
          'lumen_privacy_requests_open',
          {},
          'kind',
        ),
        {
          ...level(
            'privacy-requests-overdue',
            'Privacy requests overdue',
            'lumen_privacy_requests_overdue',
            {},
            'kind',
          ),
          ...(overdue > 0 && { warning: 'past the legal deadline' }),
          ...(tracking === 0 && { warning: 'privacy requests are not tracked by this build' }),
        },
        {
          id: 'privacy-nearest-deadline',
          label: 'Nearest privacy deadline',
          unit: 'seconds',
          value: nearestDeadline,
        },
      ],
      latencies: [
        latency(
          'card-token-lifetime',
          'Card token: confirmation → destruction',
          'lumen_card_token_lifetime_seconds',
        ),
      ],
    },
  ];
}
