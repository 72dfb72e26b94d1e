import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  InMemoryReplayCache,
  MessageVerifier,
  RevocationListPoller,
  type PinnedRoot,
} from '#lumen/payment-gateway';

/**
 * What the payment service trusts from the gateway: certificates chained to the pinned root,
 * checked against a revocation list polled every few seconds. Answers and notifications
 * have their own verifiers (and replay caches); both fail closed when the list is stale.
 */
export class GatewayTrust implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GatewayTrust.name);
  readonly poller: RevocationListPoller;
  readonly answers: MessageVerifier;
  readonly notifications: MessageVerifier;

  constructor(options: {
    root: PinnedRoot;
    gatewayUrl: string;
    pollMs: number;
    maxRevocationAgeMs: number;
  }) {
    this.poller = new RevocationListPoller({
      url: new URL('/revocation-list', options.gatewayUrl).toString(),
      root: options.root,
      intervalMs: options.pollMs,
      onProblem: (problem) => {
        this.logger.warn(problem);
      },
    });
    const verifier = () =>
      new MessageVerifier({
        root: options.root,
        acceptRole: 'gateway',
        revocations: this.poller.holder,
        replayCache: new InMemoryReplayCache({ ttlMs: 660_000 }),
        maxRevocationAgeMs: options.maxRevocationAgeMs,
      });
    this.answers = verifier();
    this.notifications = verifier();
  }

  async onApplicationBootstrap(): Promise<void> {
    // Without a list every message is refused; the poller keeps trying in the background.
    await this.poller.start();
  }

  onApplicationShutdown(): void {
    this.poller.stop();
  }
}
