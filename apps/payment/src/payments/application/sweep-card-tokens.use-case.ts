import { Injectable } from '@nestjs/common';
import { CardTokenKeyRepository } from './card-token-key.repository';
import { DestroyCardToken } from './destroy-card-token.use-case';

/**
 * The backstop: destroys every card-token key that is due and still alive, whether its
 * immediate destruction failed (key service down, a crash after commit) or the token
 * expired unused (an order that never reached a payment outcome).
 */
@Injectable()
export class SweepCardTokens {
  constructor(
    private readonly tokenKeys: CardTokenKeyRepository,
    private readonly destroyCardToken: DestroyCardToken,
  ) {}

  async execute(now: Date = new Date(), limit = 100): Promise<number> {
    let destroyed = 0;
    for (const orderId of await this.tokenKeys.due(now, limit)) {
      if (await this.destroyCardToken.now(orderId)) destroyed += 1;
    }
    return destroyed;
  }
}
