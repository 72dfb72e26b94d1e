import { ChainVerifier, GENESIS_HASH, hashEntry, type AuditEntry } from './audit-chain';

function chain(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prev: Buffer = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const unhashed = {
      seq,
      recordedAt: new Date(Date.UTC(2026, 10, 25, 10, 0, seq)),
      reporter: 'checkout',
      principalKind: 'staff' as const,
      principalId: `stf_${seq}`,
      role: 'support' as const,
      subject: `order:${seq}`,
      fields: ['contact.email'],
      purpose: 'customer-support' as const,
      reference: `ticket:T-${seq}`,
      outcome: 'granted' as const,
      reason: null,
      prevHash: prev,
    };
    const entry = { ...unhashed, entryHash: hashEntry(unhashed) };
    entries.push(entry);
    prev = entry.entryHash;
  }
  return entries;
}

function verify(entries: AuditEntry[]) {
  const verifier = new ChainVerifier();
  entries.forEach((entry) => {
    verifier.add(entry);
  });
  return verifier.result();
}

describe('audit hash chain', () => {
  it('verifies an untouched chain and reports its head', () => {
    const entries = chain(5);
    expect(verify(entries)).toEqual({
      ok: true,
      entries: 5,
      head: { seq: 5, hash: entries[4]?.entryHash.toString('hex') },
      firstBreak: null,
    });
  });

  it('detects an altered field, a removed entry and a re-linked entry', () => {
    const entries = chain(5);
    const altered = entries.map((e) => (e.seq === 3 ? { ...e, fields: ['delivery.address'] } : e));
    expect(verify(altered).firstBreak).toEqual({ seq: 3, problem: 'altered' });

    const removed = entries.filter((e) => e.seq !== 2);
    expect(verify(removed).firstBreak).toEqual({ seq: 2, problem: 'missing' });

    // Rehashing the altered entry does not help: the next one still links to the old hash.
    const rehashed = entries.map((e) => {
      if (e.seq !== 3) return e;
      const changed = { ...e, principalId: 'stf_someone_else' };
      return { ...changed, entryHash: hashEntry(changed) };
    });
    expect(verify(rehashed).firstBreak).toEqual({ seq: 4, problem: 'relinked' });
  });
});
