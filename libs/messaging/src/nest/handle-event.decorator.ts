import { SetMetadata } from '@nestjs/common';

export const HANDLE_EVENT_METADATA = 'lumen:handle-event';

/**
 * Marks a provider method as the handler of a topic's events. The method receives the
 * checked event and the transaction to apply its effects in:
 *
 *   @HandleEvent('checkout.order.placed.v1')
 *   async onOrderPlaced(event: ReceivedEvent<OrderPlacedV1>, tx: EntityManager) { ... }
 */
export const HandleEvent = (topic: string): MethodDecorator =>
  SetMetadata(HANDLE_EVENT_METADATA, topic);
