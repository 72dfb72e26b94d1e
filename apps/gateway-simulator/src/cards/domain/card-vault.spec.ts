import { CardRefused, CardVault } from './card-vault';

describe('CardVault', () => {
  const now = Date.parse('2026-11-25T10:00:00Z');
  const card = (cardNumber: string, expiry = '12/30') => ({ cardNumber, expiry, cvc: '123' });

  it('keeps the token, the last four digits and the test outcome, never the number', () => {
    const vault = new CardVault();
    const approved = vault.tokenise(card('4242 4242 4242 4242'), now);
    const declined = vault.tokenise(card('4000000000000002'), now);
    expect(approved).toMatchObject({ last4: '4242', declineCode: undefined });
    expect(declined.declineCode).toBe('do-not-honour');
    expect(JSON.stringify([approved, declined])).not.toMatch(/4242424242424242|4000000000000002/);
  });

  it('refuses what a card form refuses', () => {
    const vault = new CardVault();
    expect(() => vault.tokenise(card('4242424242424241'), now)).toThrow(CardRefused);
    expect(() => vault.tokenise(card('4242424242424242', '10/26'), now)).toThrow(/expired/);
    expect(vault.tokenise(card('4242424242424242', '11/26'), now).last4).toBe('4242');
  });

  it('lets a token pay for one authorisation, repeatable under its idempotency scope, until it expires', () => {
    const vault = new CardVault(1_000);
    const { token } = vault.tokenise(card('4242424242424242'), now);
    expect(vault.use(token, 'shop|order-1', now).ok).toBe(true);
    expect(vault.use(token, 'shop|order-1', now).ok).toBe(true);
    expect(vault.use(token, 'shop|order-2', now)).toEqual({ ok: false, why: 'used' });
    expect(vault.use('tok_unknown', 'shop|order-3', now)).toEqual({ ok: false, why: 'unknown' });
    const late = vault.tokenise(card('4242424242424242'), now);
    expect(vault.use(late.token, 'shop|order-4', now + 1_000)).toEqual({
      ok: false,
      why: 'expired',
    });
  });
});
