import { randomBytes } from 'node:crypto';
import { isLuhnValid } from '#lumen/personal-data';
import type { DeclineCode } from '../../payments/domain/payment-book';

/**
 * The simulator's card vault: what a gateway's hosted card form keeps. The card number is
 * used once, to decide the simulated outcome and the last four digits, and then dropped;
 * the vault holds only the single-use token, its outcome and the last four digits.
 *
 * Test cards: 4242 4242 4242 4242 approves; 4000 0000 0000 0002 declines; 4000 0000 0000 9995
 * declines for insufficient funds; any other valid card approves.
 */
export const TEST_CARD_OUTCOMES: Readonly<Record<string, DeclineCode | undefined>> = {
  '4242424242424242': undefined,
  '4000000000000002': 'do-not-honour',
  '4000000000009995': 'insufficient-funds',
};

export interface VaultedCard {
  readonly token: string;
  readonly last4: string;
  readonly declineCode: DeclineCode | undefined;
  readonly expiresAt: number;
  /** The idempotency scope that used it: a token pays for one authorisation only. */
  usedBy: string | undefined;
}

export type TokenUse =
  | { readonly ok: true; readonly card: VaultedCard }
  | { readonly ok: false; readonly why: 'unknown' | 'expired' | 'used' };

export class CardVault {
  private readonly cards = new Map<string, VaultedCard>();

  constructor(
    private readonly tokenTtlMs = 3_600_000,
    private readonly maxCards = 100_000,
  ) {}

  /** Tokenises a card; throws `CardRefused` for a number, expiry or CVC a form would refuse. */
  tokenise(input: { cardNumber: string; expiry: string; cvc: string }, now: number): VaultedCard {
    const digits = input.cardNumber.replace(/[\s-]/g, '');
    if (!/^\d{13,19}$/.test(digits) || !isLuhnValid(digits)) {
      throw new CardRefused('cardNumber: not a valid card number');
    }
    const expiry = /^(0[1-9]|1[0-2])\/(\d{2})$/.exec(input.expiry);
    if (!expiry) throw new CardRefused('expiry: expected MM/YY');
    const endOfMonth = Date.UTC(2000 + Number(expiry[2]), Number(expiry[1]), 1);
    if (endOfMonth <= now) throw new CardRefused('expiry: the card has expired');
    if (!/^\d{3,4}$/.test(input.cvc)) throw new CardRefused('cvc: expected 3 or 4 digits');
    this.evictExpired(now);
    if (this.cards.size >= this.maxCards)
      throw new CardRefused('the card vault is full; retry later');
    const card: VaultedCard = {
      token: `tok_${randomBytes(18).toString('base64url')}`,
      last4: digits.slice(-4),
      declineCode: TEST_CARD_OUTCOMES[digits],
      expiresAt: now + this.tokenTtlMs,
      usedBy: undefined,
    };
    this.cards.set(card.token, card);
    return card;
  }

  /** Spends a token for one authorisation (`scope`); the same scope may use it again. */
  use(token: string, scope: string, now: number): TokenUse {
    const card = this.cards.get(token);
    if (!card) return { ok: false, why: 'unknown' };
    if (card.expiresAt <= now) return { ok: false, why: 'expired' };
    if (card.usedBy !== undefined && card.usedBy !== scope) return { ok: false, why: 'used' };
    card.usedBy = scope;
    return { ok: true, card };
  }

  private evictExpired(now: number): void {
    for (const [token, card] of this.cards) {
      if (card.expiresAt <= now) this.cards.delete(token);
    }
  }
}

export class CardRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CardRefused';
  }
}
