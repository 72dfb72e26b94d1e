export interface GatewayNotification {
  readonly notificationId: string;
  readonly type: 'payment.captured' | 'payment.declined' | 'payment.voided' | 'payment.refunded';
  readonly merchantReference: string;
  readonly authorisationId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly occurredAt: string;
}

/** Delivers signed notifications to a merchant's webhook, in the background. */
export abstract class NotificationSender {
  abstract notify(merchantId: string, notification: GatewayNotification): void;
  /** Waits for deliveries in flight (shutdown, tests). */
  abstract drain(): Promise<void>;
}
