import { signServiceRequest } from '#lumen/crypto';
import { startStaffTestApp, type StaffTestApp } from './support/staff-test-app';

/** The access review on the real privacy app, its audit log and PostgreSQL's own catalogue. */
describe('privacy: access review', () => {
  let t: StaffTestApp;
  let officer: string;

  beforeAll(async () => {
    t = await startStaffTestApp();
    officer = await t.assertionFor('nia.officer', 'privacy-officer');
  });

  afterAll(async () => {
    await t.close();
  });

  const report = async () => {
    const response = await fetch(`${t.baseUrl}/access-reviews/report`, {
      headers: { 'lumen-staff-assertion': officer },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as {
      grants: {
        kind: string;
        principal: string;
        grant: string;
        unused: boolean;
        lastUsedAt: string | null;
        usageTracked: boolean;
      }[];
      reviewOverdue: boolean;
      lastReview: { signedOffBy: string } | null;
    };
  };

  it('lists staff, service-key and database grants, with last use and the stale ones flagged', async () => {
    const active = await t.openAccount('oli.support', 'support');
    const idle = await t.openAccount('pat.fulfil', 'fulfilment');
    await t.openAccount('quin.ops', 'operations');
    // pat has held the role for 120 days and never read anything.
    await t.dataSource.query(
      `UPDATE staff_accounts SET created_at = now() - interval '120 days' WHERE principal_id = $1`,
      [idle],
    );
    // oli read an order yesterday (as checkout reports it).
    const body = JSON.stringify({
      principalKind: 'staff',
      principalId: active,
      role: 'support',
      subject: 'order:abc',
      fields: ['delivery.address'],
      purpose: 'customer-support',
      reference: 'ticket:T-9',
      outcome: 'granted',
      reason: null,
    });
    const headers = signServiceRequest(t.signerOf('checkout'), {
      method: 'POST',
      path: '/audit/entries',
      body,
    });
    const recorded = await fetch(`${t.baseUrl}/audit/entries`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
    expect(recorded.status).toBe(201);

    const { grants, reviewOverdue, lastReview } = await report();
    expect(reviewOverdue).toBe(true);
    expect(lastReview).toBeNull();
    const staff = grants.filter((g) => g.kind === 'staff-role');
    expect(staff.find((g) => g.principal === active)).toMatchObject({
      grant: 'role:support',
      unused: false,
    });
    expect(staff.find((g) => g.principal === idle)).toMatchObject({
      grant: 'role:fulfilment',
      unused: true,
      lastUsedAt: null,
    });
    // Operations hold no grant on personal data, so they are not in the review.
    expect(staff.map((g) => g.grant)).not.toContain('role:operations');

    const keys = grants
      .filter((g) => g.kind === 'service-key-permission')
      .map((g) => `${g.principal} ${g.grant}`);
    // The subject-access purposes: each service seals its answer to an access request, privacy
    // opens the answers and seals the package.
    expect(keys.sort()).toEqual([
      'checkout key:customer-contact',
      'checkout key:delivery-address',
      'checkout key:subject-access',
      'fulfilment key:delivery-address',
      'fulfilment key:subject-access',
      'payment key:card-token',
      'payment key:subject-access',
      'privacy key:customer-contact',
      'privacy key:delivery-address',
      'privacy key:subject-access',
      'privacy key:subject-access-package',
    ]);

    // Database grants come from PostgreSQL itself (the provisioned roles on the shared database).
    const database = grants
      .filter((g) => g.kind === 'database-role')
      .map((g) => `${g.principal} ${g.grant}`);
    expect(database).toContain('lumen_payment schema:payment');
    expect(database).not.toContain('lumen_checkout schema:payment');
  });

  it('records a sign-off with the report hash, after which the review is no longer overdue', async () => {
    const support = await t.assertionFor('ray.support', 'support');
    const signOff = (assertion: string) =>
      fetch(`${t.baseUrl}/access-reviews`, {
        method: 'POST',
        headers: { 'lumen-staff-assertion': assertion, 'content-type': 'application/json' },
        body: JSON.stringify({
          notes: 'pat.fulfil to be disabled; rest confirmed with team leads',
        }),
      });
    expect((await signOff(support)).status).toBe(403);
    const signed = await signOff(officer);
    expect(signed.status).toBe(201);
    expect(await signed.json()).toMatchObject({
      reportSha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
    const after = await report();
    expect(after.reviewOverdue).toBe(false);
    expect(after.lastReview?.signedOffBy).toMatch(/^stf_/);
    await expect(t.dataSource.query(`UPDATE access_reviews SET notes = 'x'`)).rejects.toThrow(
      /append-only/,
    );
  });
});
