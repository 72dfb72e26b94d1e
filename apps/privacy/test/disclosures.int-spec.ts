import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { loadKeyRing, verifyServiceRequest } from '#lumen/crypto';
import { startStaffTestApp, type StaffTestApp } from './support/staff-test-app';

/**
 * The disclosure register on the real privacy app and PostgreSQL. Checkout's staff endpoint is
 * stood in for by a small server that checks privacy's request signature and answers a full
 * order, so the test can see that the export keeps only the scope.
 */
describe('privacy: disclosure register', () => {
  let t: StaffTestApp;
  let checkout: Server;
  const orderId = randomUUID();
  const reads: { path: string; reference: string | undefined; signer: string }[] = [];
  const officers: string[] = [];

  beforeAll(async () => {
    let keysDir = '';
    checkout = createServer((request, response) => {
      const check = verifyServiceRequest(loadKeyRing(keysDir), {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        body: '',
        headers: request.headers,
      });
      reads.push({
        path: request.url ?? '',
        reference: request.headers['lumen-reference'] as string | undefined,
        signer: check.ok ? check.service : `refused:${check.reason}`,
      });
      if (!check.ok || request.url !== `/staff/orders/${orderId}`) {
        response.writeHead(check.ok ? 404 : 401).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          orderId,
          status: 'shipped',
          contact: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0001' },
          deliveryAddress: { recipientName: 'Ada L', postcode: 'SW1Y 4JH', country: 'GB' },
        }),
      );
    });
    await new Promise<void>((resolve) => checkout.listen(0, '127.0.0.1', resolve));
    const address = checkout.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    t = await startStaffTestApp({ CHECKOUT_URL: `http://127.0.0.1:${address.port}` });
    keysDir = t.keysDir;
    for (const login of ['kim.officer', 'lee.officer']) {
      officers.push(await t.assertionFor(login, 'privacy-officer'));
    }
  });

  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => checkout.close(resolve));
  });

  const call = (assertion: string | null, method: string, path: string, body?: unknown) =>
    fetch(`${t.baseUrl}${path}`, {
      method,
      headers: {
        ...(assertion === null ? {} : { 'lumen-staff-assertion': assertion }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('records, needs two distinct approvers, exports only the scope, and audits the export', async () => {
    const [kim = '', lee = ''] = officers;
    const support = await t.assertionFor('max.support', 'support');
    const request = {
      subject: `order:${orderId}`,
      requestingBody: 'Metropolitan Police Service',
      legalBasis: 'Data Protection Act 2018, Schedule 2, paragraph 2 (crime and taxation)',
      scope: ['deliveryAddress', 'contact.email'],
      reference: 'disclosure:MPS-2026-117',
    };
    expect((await call(support, 'POST', '/disclosures', request)).status).toBe(403);
    expect(
      (await call(kim, 'POST', '/disclosures', { ...request, scope: ['cardNumber'] })).status,
    ).toBe(400);
    const created = await call(kim, 'POST', '/disclosures', request);
    expect(created.status).toBe(201);
    const { disclosureId } = (await created.json()) as { disclosureId: string };

    expect((await call(kim, 'POST', `/disclosures/${disclosureId}/export`)).status).toBe(409);
    expect((await call(kim, 'POST', `/disclosures/${disclosureId}/approvals`)).status).toBe(201);
    expect((await call(kim, 'POST', `/disclosures/${disclosureId}/approvals`)).status).toBe(403);
    expect((await call(kim, 'POST', `/disclosures/${disclosureId}/export`)).status).toBe(409);
    expect((await call(lee, 'POST', `/disclosures/${disclosureId}/approvals`)).status).toBe(201);

    const exported = await call(lee, 'POST', `/disclosures/${disclosureId}/export`);
    expect(exported.status).toBe(200);
    expect(await exported.json()).toEqual({
      disclosureId,
      subject: `order:${orderId}`,
      scope: ['deliveryAddress', 'contact.email'],
      data: {
        deliveryAddress: { recipientName: 'Ada L', postcode: 'SW1Y 4JH', country: 'GB' },
        contact: { email: 'ada@example.com' },
      },
    });
    expect(reads.at(-1)).toEqual({
      path: `/staff/orders/${orderId}`,
      reference: `disclosure:${disclosureId}`,
      signer: 'privacy',
    });
    const audit = await t.dataSource.query<
      { purpose: string; fields: string[]; reference: string }[]
    >(`SELECT purpose, fields, reference FROM audit_log WHERE subject = $1`, [`order:${orderId}`]);
    expect(audit).toEqual([
      {
        purpose: 'legal-disclosure',
        fields: ['deliveryAddress', 'contact.email'],
        reference: `disclosure:${disclosureId}`,
      },
    ]);

    // The database itself refuses one person approving twice.
    await expect(
      t.dataSource.query(
        `UPDATE disclosures SET second_approver = first_approver WHERE disclosure_id = $1`,
        [disclosureId],
      ),
    ).rejects.toThrow(/distinct_approvers/);
  });

  it('shows exported disclosures in the access package unless restricted until a review date', async () => {
    const [kim = '', lee = ''] = officers;
    const restricted = await call(kim, 'POST', '/disclosures', {
      subject: `order:${orderId}`,
      requestingBody: 'HM Revenue and Customs',
      legalBasis: 'Finance Act 2008, Schedule 36',
      scope: ['contact.name'],
      reference: 'disclosure:HMRC-9',
      restriction: {
        until: '2099-01-01',
        reason: 'telling the subject would prejudice the inquiry',
      },
    });
    const { disclosureId } = (await restricted.json()) as { disclosureId: string };
    await call(kim, 'POST', `/disclosures/${disclosureId}/approvals`);
    await call(lee, 'POST', `/disclosures/${disclosureId}/approvals`);
    expect((await call(lee, 'POST', `/disclosures/${disclosureId}/export`)).status).toBe(200);

    const accessPackage = async () =>
      (await (
        await call(
          kim,
          'GET',
          `/disclosures/subjects/${encodeURIComponent(`order:${orderId}`)}/access-package`,
        )
      ).json()) as { disclosures: { requestingBody: string }[] };
    expect((await accessPackage()).disclosures.map((d) => d.requestingBody)).toEqual([
      'Metropolitan Police Service',
    ]);
    // The review lapses: the disclosure is shown.
    expect(
      (
        await call(kim, 'POST', `/disclosures/${disclosureId}/restriction`, {
          until: '2020-01-01',
          reason: 'reviewed: inquiry closed',
        })
      ).status,
    ).toBe(200);
    expect((await accessPackage()).disclosures.map((d) => d.requestingBody)).toEqual([
      'Metropolitan Police Service',
      'HM Revenue and Customs',
    ]);
  });

  it('answers 503 with Retry-After, and hands nothing over, while the audit log cannot record the export', async () => {
    const [kim = '', lee = ''] = officers;
    const created = await call(kim, 'POST', '/disclosures', {
      subject: `order:${orderId}`,
      requestingBody: 'HM Revenue and Customs',
      legalBasis: 'Data Protection Act 2018, Schedule 2, paragraph 2 (crime and taxation)',
      scope: ['contact.email'],
      reference: 'disclosure:HMRC-2026-9',
    });
    expect(created.status).toBe(201);
    const { disclosureId } = (await created.json()) as { disclosureId: string };
    for (const officer of [kim, lee]) {
      expect((await call(officer, 'POST', `/disclosures/${disclosureId}/approvals`)).status).toBe(
        201,
      );
    }
    // The audit log's table refuses every append, as a full disk or a lost connection would.
    await t.dataSource.query(`
      CREATE FUNCTION ${t.schema}.refuse_audit() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'audit log unavailable (test)'; END $$`);
    await t.dataSource.query(`
      CREATE TRIGGER refuse_audit BEFORE INSERT ON ${t.schema}.audit_log
        FOR EACH ROW EXECUTE FUNCTION ${t.schema}.refuse_audit()`);
    try {
      const refused = await call(lee, 'POST', `/disclosures/${disclosureId}/export`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      const body = (await refused.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ code: 'audit-unavailable' });
      expect(JSON.stringify(body)).not.toContain('ada@example.com');
      const [row] = await t.dataSource.query<{ exported_at: Date | null }[]>(
        `SELECT exported_at FROM disclosures WHERE disclosure_id = $1`,
        [disclosureId],
      );
      expect(row?.exported_at).toBeNull();
    } finally {
      await t.dataSource.query(`DROP TRIGGER refuse_audit ON ${t.schema}.audit_log`);
      await t.dataSource.query(`DROP FUNCTION ${t.schema}.refuse_audit()`);
    }
    expect((await call(lee, 'POST', `/disclosures/${disclosureId}/export`)).status).toBe(200);
  });
});
