import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Client } from 'pg';
import { assertIdentifier } from '#lumen/database';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from '../../config/fulfilment.config';
import { ExpireUnpaidAddresses } from '../application/expire-unpaid-addresses.use-case';
import { HandOverShipment } from '../application/hand-over-shipment.use-case';
import { ReconcileTracking } from '../application/reconcile-tracking.use-case';
import { ShipmentRepository } from '../application/shipment.repository';
import { TrackingLog } from '../application/tracking-log';
import { inShipmentTrace } from './shipment-trace';

/** Shipments handed over at once by one worker. */
const BATCH = 16;
const PRUNE_EVERY_MS = 60_000;
/** Longer than a callback can pass the freshness check (±300 s) after it was taken. */
const CALLBACK_MESSAGE_RETENTION_MS = 15 * 60_000;

/**
 * Runs handovers (and tracking checks) after commit, never inside an event's transaction: it
 * wakes when a transaction that created a shipment commits (PostgreSQL NOTIFY from a trigger)
 * and polls as a safety net, claims due shipments with a lease (replicas skip each other's
 * rows, and a crashed worker's lease runs out), and hands each one over. A failing round is
 * logged and tried again on the next poll; nothing is given up on silently.
 */
@Injectable()
export class PostgresHandoverWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PostgresHandoverWorker.name);
  private readonly channel: string;
  private stopping = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private notified = false;
  private client: Client | undefined;
  private lastPrune = 0;

  constructor(
    @Inject(FULFILMENT_CONFIG) private readonly config: FulfilmentConfig,
    private readonly shipments: ShipmentRepository,
    private readonly tracking: TrackingLog,
    private readonly handOver: HandOverShipment,
    private readonly reconcile: ReconcileTracking,
    private readonly expireUnpaidAddresses: ExpireUnpaidAddresses,
  ) {
    this.channel = `lumen_fulfilment_handover_${assertIdentifier(config.databaseSchema)}`;
  }

  onApplicationBootstrap(): void {
    // The polling itself is not traced (every claim query would start a trace of its own and
    // flood the trace backend); each shipment's work joins its order's trace explicitly.
    this.running = context.with(suppressTracing(context.active()), () => this.loop());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let busy = false;
      try {
        await this.listen();
        this.notified = false;
        busy = await this.round();
        await this.pruneIfDue();
      } catch (error) {
        this.logger.error('handover round failed; trying again', {
          err: error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown',
        });
        await this.client?.end().catch(() => undefined);
        this.client = undefined;
      }
      if (!busy) await this.sleep(this.config.handover.pollMs);
    }
  }

  /**
   * One batch of due handovers and one of due tracking checks; true when either batch was full
   * (more may be due).
   */
  private async round(): Promise<boolean> {
    const { leaseMs } = this.config.handover;
    const handovers = await this.shipments.claimDue(BATCH, leaseMs);
    await this.settle(
      'handover',
      handovers.map((claim) => ({
        shipmentId: claim.shipmentId,
        work: () =>
          inShipmentTrace(
            'fulfilment shipment handover',
            claim.traceContext,
            { 'lumen.shipment.id': claim.shipmentId, 'lumen.handover.attempt': claim.attempt },
            () => this.handOver.execute(claim),
          ),
      })),
    );
    const checks = await this.shipments.claimTrackingDue(BATCH, leaseMs);
    await this.settle(
      'tracking check',
      checks.map((claim) => ({
        shipmentId: claim.shipmentId,
        work: () =>
          inShipmentTrace(
            'fulfilment tracking check',
            claim.traceContext,
            { 'lumen.shipment.id': claim.shipmentId },
            () => this.reconcile.execute(claim),
          ),
      })),
    );
    return handovers.length === BATCH || checks.length === BATCH;
  }

  private async settle(
    what: string,
    jobs: readonly { shipmentId: string; work: () => Promise<unknown> }[],
  ): Promise<void> {
    const results = await Promise.allSettled(jobs.map((job) => job.work()));
    results.forEach((result, index) => {
      if (result.status === 'rejected') {
        // The lease runs out and the shipment is tried again.
        const reason: unknown = result.reason;
        this.logger.error(`${what} failed unexpectedly`, {
          shipmentId: jobs[index]?.shipmentId,
          err: reason instanceof Error ? `${reason.name}: ${reason.message}` : 'non-error thrown',
        });
      }
    });
  }

  private async pruneIfDue(): Promise<void> {
    // Often enough that nothing outlives its retention by more than half of it.
    const every = Math.min(PRUNE_EVERY_MS, this.config.sealedAddressRetentionMs / 2);
    if (Date.now() - this.lastPrune < every) return;
    this.lastPrune = Date.now();
    await this.tracking.pruneMessages(new Date(Date.now() - CALLBACK_MESSAGE_RETENTION_MS));
    await this.expireUnpaidAddresses.execute();
  }

  private async listen(): Promise<void> {
    if (this.client) return;
    const client = new Client({
      connectionString: this.config.databaseUrl,
      application_name: `fulfilment-handover:${this.config.databaseSchema}`,
    });
    client.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    // A dropped connection surfaces on the next round; this only keeps it from crashing.
    client.on('error', () => undefined);
    await client.connect();
    this.client = client;
    await client.query(`LISTEN ${this.channel}`);
  }

  private sleep(ms: number): Promise<void> {
    if (this.notified || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
