export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** What the message is for (`verification-code`, `package-ready`), for the outbox's name. */
  readonly kind: string;
  readonly requestId: string;
}

/** Sends mail to customers. The local adapter writes an outbox folder that tests read. */
export abstract class Mailer {
  abstract send(message: MailMessage): Promise<void>;
}
