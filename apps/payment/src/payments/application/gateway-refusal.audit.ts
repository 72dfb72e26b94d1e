/** Every gateway message Lumen refused, with the reason: an answer or a notification. */
export abstract class GatewayRefusalAudit {
  abstract record(entry: {
    direction: 'answer' | 'notification';
    reason: string;
    claimedKeyId: string | undefined;
  }): Promise<void>;
}
