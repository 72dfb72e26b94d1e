import { signServiceRequest, type EventSigner } from '#lumen/crypto';
import { SubjectDataSource } from '../application/disclosure.repository';

/**
 * Reads an order from checkout's staff endpoint as the `privacy` service (signed request), so
 * checkout records the read in the audit log like any other. Only `order:<id>` subjects are
 * held there.
 */
export class CheckoutOrderSource extends SubjectDataSource {
  constructor(
    private readonly checkoutUrl: string,
    private readonly signer: EventSigner,
  ) {
    super();
  }

  override async read(
    subject: string,
    reference: string,
  ): Promise<Record<string, unknown> | undefined> {
    const match = /^order:([0-9a-f-]{36})$/.exec(subject);
    if (match === null) return undefined;
    const path = `/staff/orders/${match[1] ?? ''}`;
    const headers = signServiceRequest(this.signer, { method: 'GET', path });
    const response = await fetch(new URL(path, this.checkoutUrl), {
      headers: { ...headers, 'lumen-reference': reference },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`checkout answered ${response.status} for a disclosure read`);
    return (await response.json()) as Record<string, unknown>;
  }
}
