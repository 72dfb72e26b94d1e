import { BadRequestException, Body, Controller, Post } from '@nestjs/common';
import { z } from 'zod';
import { SimulatorState } from '../../payments/application/simulator-state';
import { CardRefused } from '../domain/card-vault';

const cardSchema = z.strictObject({
  cardNumber: z.string().min(1).max(40),
  expiry: z.string().min(1).max(10),
  cvc: z.string().min(1).max(10),
});

/**
 * The gateway's hosted card form, as a storefront's browser calls it: the card number goes
 * to the gateway, a single-use token comes back, and only the token ever reaches Lumen.
 */
@Controller('hosted-form')
export class HostedFormController {
  constructor(private readonly state: SimulatorState) {}

  @Post('tokens')
  tokenise(@Body() body: unknown): { token: string; last4: string } {
    const parsed = cardSchema.safeParse(body);
    if (!parsed.success) {
      throw new BadRequestException({
        statusCode: 400,
        message: 'expected { cardNumber, expiry, cvc }',
      });
    }
    try {
      const card = this.state.cards.tokenise(parsed.data, Date.now());
      return { token: card.token, last4: card.last4 };
    } catch (error) {
      // Never echo the card number back, not even in an error.
      if (error instanceof CardRefused) {
        throw new BadRequestException({ statusCode: 400, message: error.message });
      }
      throw error;
    }
  }
}
