import { Injectable, Logger } from '@nestjs/common';
import { signMessage } from '#lumen/payment-gateway';
import { GatewayAuthority } from '../../authority/application/gateway-authority';
import { NotificationSender, type GatewayNotification } from '../application/notification-sender';
import { SimulatorState } from '../application/simulator-state';

const ATTEMPTS = 3;

/**
 * Posts each notification to the merchant's webhook, signed like an answer (kind
 * `notification`, target = the webhook path). A failed delivery is retried a few times; the
 * duplicate switch delivers each notification twice, as real gateways do after a lost ack.
 */
@Injectable()
export class HttpNotificationSender extends NotificationSender {
  private readonly logger = new Logger(HttpNotificationSender.name);
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly authority: GatewayAuthority,
    private readonly state: SimulatorState,
  ) {
    super();
  }

  override notify(merchantId: string, notification: GatewayNotification): void {
    const url = this.authority.registry.notificationUrlOf(merchantId);
    if (url === undefined) return;
    const copies = this.state.switches.duplicateNotifications ? 2 : 1;
    for (let copy = 0; copy < copies; copy += 1) {
      const delivery = this.deliver(new URL(url), merchantId, notification).finally(() =>
        this.inflight.delete(delivery),
      );
      this.inflight.add(delivery);
    }
  }

  override async drain(): Promise<void> {
    await Promise.all([...this.inflight]);
  }

  private async deliver(url: URL, merchantId: string, notification: GatewayNotification) {
    const body = JSON.stringify(notification);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const key =
        this.state.switches.answerKey === 'rogue'
          ? this.authority.rogueKey
          : this.authority.answerKey;
      // Each attempt is a new signed message (fresh id and time) carrying the same notification.
      const headers = signMessage(key, { kind: 'notification', target: url.pathname, body });
      let status: number | null = null;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(5_000),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch (error) {
        this.logger.warn(`notification delivery failed: ${(error as Error).message}`);
      }
      this.state.deliveries.push({
        at: new Date().toISOString(),
        notificationId: notification.notificationId,
        messageId: headers['gateway-message-id'] ?? '',
        merchantId,
        type: notification.type,
        status,
      });
      if (status !== null && status < 500) return;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}
