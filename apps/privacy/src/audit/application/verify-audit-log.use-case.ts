import { Injectable } from '@nestjs/common';
import { ChainVerifier, type ChainVerification } from '../domain/audit-chain';
import { AuditLog } from './audit-log';

const PAGE = 1_000;

/** Re-computes the whole chain; any altered, removed or re-linked entry is reported. */
@Injectable()
export class VerifyAuditLog {
  constructor(private readonly log: AuditLog) {}

  async execute(expectedHead?: {
    seq: number;
    hash: string;
  }): Promise<ChainVerification & { readonly headMatches: boolean | null }> {
    const verifier = new ChainVerifier();
    let after = 0;
    for (;;) {
      const page = await this.log.page(after, PAGE);
      for (const entry of page) verifier.add(entry);
      const last = page.at(-1);
      if (last === undefined || page.length < PAGE) break;
      after = last.seq;
    }
    const result = verifier.result();
    if (expectedHead === undefined) return { ...result, headMatches: null };
    // A head noted earlier must still be in the chain, with the same hash: a cut-off tail or a
    // rebuilt chain shows here even when the remaining links are consistent.
    const kept = await this.log.page(expectedHead.seq - 1, 1);
    const headMatches =
      kept[0]?.seq === expectedHead.seq && kept[0].entryHash.toString('hex') === expectedHead.hash;
    return { ...result, ok: result.ok && headMatches, headMatches };
  }
}
