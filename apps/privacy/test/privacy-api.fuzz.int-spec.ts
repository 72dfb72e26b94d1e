import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { signServiceRequest } from '#lumen/crypto';
import { issueStaffAssertion, STAFF_ASSERTION_HEADER } from '#lumen/staff-access';
import {
  FUZZ_RUNS,
  hostileBodyText,
  hostilePathSegment,
  hostileString,
  oversizedJsonBody,
  rowCounts,
  send,
  sendDeclaringLength,
  type FuzzAnswer,
} from '../../../test/support/hostile-input';
import { startStaffTestApp, TEST_PASSWORD, type StaffTestApp } from './support/staff-test-app';

/**
 * Every privacy endpoint but the key service (fuzzed in key-service.fuzz.int-spec.ts) under
 * hostile input, on the real app, PostgreSQL and Redis: the customer's subject-rights routes,
 * sign-in and sessions, account and second-factor management, the audit log, disclosures,
 * access review and statistics. Hostile bodies, path segments, query strings and credential
 * headers, sent without credentials and with genuine ones (so the body checks are reached),
 * never yield a 5xx or a reset, and a refused request adds or removes no row.
 *
 * Two things change on a refusal by design and are left out of the comparison:
 * - `audit_log`, which records refused personal-data reads (a missing or disallowed purpose)
 *   as well as granted ones: a refusal that leaves a trace there is the feature.
 * - the lockout columns of `staff_accounts` (`failed_attempts`, `locked_until`), which a wrong
 *   password raises. They are columns, not rows, so the row counts do not see them; they are
 *   reset before each case instead, so that five hostile passwords do not lock the accounts
 *   and leave every later case stuck at the 423 in front of the body checks.
 */
describe('privacy API under hostile input (fuzz)', () => {
  let workDir: string;
  let t: StaffTestApp;
  /** A privacy officer's assertion for privacy, its session cookie, and its principal id. */
  let officer: string;
  let officerCookie: string;
  let officerId: string;
  /** Assertions privacy must refuse: made out for checkout, expired, support's (403s). */
  let forCheckout: string;
  let expired: string;
  let support: string;
  let requestId: string;
  let disclosureId: string;
  const SIGN_IN_LOGIN = 'fuzz.signin';

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'lumen-privacy-api-fuzz-'));
    // The mail outbox and operator token default to the shared .lumen folder: keep them here.
    t = await startStaffTestApp({
      LUMEN_MAIL_OUTBOX_DIR: join(workDir, 'mail-outbox'),
      PRIVACY_OPERATOR_TOKEN_FILE: join(workDir, 'privacy-operator-token'),
    });
    officerId = await t.openAccount('fuzz.officer', 'privacy-officer');
    const signedIn = await t.signIn('fuzz.officer');
    expect(signedIn.status).toBe(201);
    officer = ((await signedIn.json()) as { assertion: string }).assertion;
    officerCookie =
      /lumen_staff_session=([^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const checkoutAnswer = await fetch(`${t.baseUrl}/staff/sessions/current/assertion`, {
      method: 'POST',
      headers: {
        cookie: `lumen_staff_session=${officerCookie}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ audience: 'checkout' }),
    });
    expect(checkoutAnswer.status).toBe(201);
    forCheckout = ((await checkoutAnswer.json()) as { assertion: string }).assertion;
    expired = issueStaffAssertion(
      t.signerOf('privacy'),
      { principalId: officerId, role: 'privacy-officer', sessionId: 'fuzz', audience: 'privacy' },
      new Date(Date.now() - 60 * 60_000),
    ).token;
    support = await t.assertionFor('fuzz.support', 'support');
    await t.openAccount(SIGN_IN_LOGIN, 'support');

    const started = await fetch(`${t.baseUrl}/privacy/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'access', customerId: 'cust-fuzz', email: 'fuzz@example.com' }),
    });
    expect(started.status).toBe(202);
    requestId = ((await started.json()) as { requestId: string }).requestId;
    const recorded = await fetch(`${t.baseUrl}/disclosures`, {
      method: 'POST',
      headers: { [STAFF_ASSERTION_HEADER]: officer, 'content-type': 'application/json' },
      body: JSON.stringify(validDisclosure),
    });
    expect(recorded.status).toBe(201);
    disclosureId = ((await recorded.json()) as { disclosureId: string }).disclosureId;
  });

  afterAll(async () => {
    await t.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const validDisclosure = {
    subject: 'order:3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
    requestingBody: 'Metropolitan Police Service',
    legalBasis: 'Data Protection Act 2018, Schedule 2, paragraph 2',
    scope: ['deliveryAddress', 'contact.email'],
    reference: 'disclosure:FUZZ-2026-1',
  };

  const everything = () => rowCounts(t.dataSource, t.schema, ['audit_log']);
  const resetLockouts = () =>
    t.dataSource.query(
      `UPDATE "${t.schema}".staff_accounts SET failed_attempts = 0, locked_until = NULL`,
    );

  type Credential = 'none' | 'officer' | 'forCheckout' | 'expired' | 'support' | 'tampered';
  const credential = (): fc.Arbitrary<Credential> =>
    fc.constantFrom('none', 'officer', 'officer', 'forCheckout', 'expired', 'support', 'tampered');
  const assertionHeaders = (which: Credential): Record<string, string> => {
    switch (which) {
      case 'none':
        return {};
      case 'officer':
        return { [STAFF_ASSERTION_HEADER]: officer };
      case 'forCheckout':
        return { [STAFF_ASSERTION_HEADER]: forCheckout };
      case 'expired':
        return { [STAFF_ASSERTION_HEADER]: expired };
      case 'support':
        return { [STAFF_ASSERTION_HEADER]: support };
      case 'tampered':
        // The officer's own assertion with its role claim's signature no longer matching.
        return { [STAFF_ASSERTION_HEADER]: `${officer.slice(0, -4)}AAAA` };
    }
  };

  interface Case {
    readonly method: string;
    readonly path: string;
    readonly body?: string;
    readonly headers?: Record<string, string>;
  }

  const call = ({ method, path, body, headers = {} }: Case): Promise<FuzzAnswer> =>
    send(`${t.baseUrl}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
    });

  /** Each case: never a 5xx or a reset; a refusal leaves every row count as it found it. */
  const neverBreaks = async (cases: fc.Arbitrary<Case>, numRuns = FUZZ_RUNS) =>
    fc.assert(
      fc.asyncProperty(cases, async (input) => {
        await resetLockouts();
        const before = await everything();
        const answer = await call(input);
        const { method, path, body, headers } = input;
        expect({
          method,
          path,
          body,
          headers,
          ok: answer.status > 0 && answer.status < 500,
        }).toEqual({ method, path, body, headers, ok: true });
        if (answer.status >= 400) expect(await everything()).toEqual(before);
      }),
      { numRuns },
    );

  /** A query string of known and hostile parameter names, repeated ones included. */
  const hostileQuery = (names: readonly string[]): fc.Arbitrary<string> =>
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...names), hostileString()), hostileString()), {
        maxLength: 4,
      })
      .map((pairs) => {
        const encode = (text: string) => {
          try {
            return encodeURIComponent(text);
          } catch {
            return text.replace(/[\uD800-\uDFFF]/g, '%ED%A0%80'); // a lone surrogate, as bytes
          }
        };
        const query = pairs.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
        return query === '' ? '' : `?${query}`;
      });

  /** A header value fetch will send: printable ASCII, hostile otherwise. */
  const headerValue = () => hostileString().filter((value) => /^[\t\x20-\x7e]*$/.test(value));

  it('subject-rights routes: hostile bodies, ids, tokens and queries never yield a 5xx; a refusal changes nothing', async () => {
    await neverBreaks(
      fc.oneof(
        hostileBodyText({ kind: 'access', customerId: 'cust-fuzz', email: 'fuzz@example.com' }).map(
          (body) => ({ method: 'POST', path: '/privacy/requests', body }),
        ),
        hostileBodyText({
          kind: 'erasure',
          orderId: '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
          email: 'fuzz@example.com',
        }).map((body) => ({ method: 'POST', path: '/privacy/requests', body })),
        fc
          .tuple(
            fc.oneof(fc.constant(requestId), hostilePathSegment()),
            hostileBodyText({ code: '123456' }),
          )
          .map(([id, body]) => ({
            method: 'POST',
            path: `/privacy/requests/${id}/verification`,
            body,
          })),
        fc
          .tuple(
            fc.oneof(
              hostilePathSegment(),
              fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), // well-formed, but issued to nobody
            ),
            hostileQuery(['format']),
          )
          .map(([token, query]) => ({ method: 'GET', path: `/privacy/links/${token}${query}` })),
        hostileQuery(['format', 'keyId']).map((query) => ({
          method: 'GET',
          path: `/privacy/receipt-signing-key${query}`,
        })),
        fc.tuple(credential(), hostileQuery(['from', 'to', 'status'])).map(([who, query]) => ({
          method: 'GET',
          path: `/privacy/internal/requests.csv${query}`,
          headers: assertionHeaders(who),
        })),
        fc.tuple(headerValue()).map(([token]) => ({
          method: 'GET',
          path: '/privacy/internal/requests.csv',
          headers: { authorization: `Bearer ${token}` },
        })),
      ),
    );
  });

  it('sign-in and sessions: hostile bodies and cookies never yield a 5xx; a refusal changes nothing', async () => {
    const sessionHeaders = fc.oneof(
      fc.constant({ cookie: `lumen_staff_session=${officerCookie}` }),
      headerValue().map((value) => ({ cookie: `lumen_staff_session=${value}` })),
      headerValue().map((value) => ({ cookie: value })),
      headerValue().map((value) => ({ authorization: `Bearer ${value}` })),
    );
    await neverBreaks(
      fc.oneof(
        hostileBodyText({ login: SIGN_IN_LOGIN, password: TEST_PASSWORD }).map((body) => ({
          method: 'POST',
          path: '/staff/sessions',
          body,
        })),
        hostileBodyText({
          login: SIGN_IN_LOGIN,
          password: TEST_PASSWORD,
          totpCode: '123456',
          audience: 'checkout',
        }).map((body) => ({ method: 'POST', path: '/staff/sessions', body })),
        fc
          .tuple(sessionHeaders, hostileBodyText({ audience: 'fulfilment' }))
          .map(([headers, body]) => ({
            method: 'POST',
            path: '/staff/sessions/current/assertion',
            body,
            headers,
          })),
        // Only hostile cookies here: the genuine one would end the session the other cases use.
        headerValue().map((value) => ({
          method: 'DELETE',
          path: '/staff/sessions/current',
          headers: { cookie: `lumen_staff_session=${value}` },
        })),
      ),
    );
  });

  it('accounts and second factor: hostile bodies and ids, with and without an assertion, never yield a 5xx; a refusal changes nothing', async () => {
    await neverBreaks(
      fc.oneof(
        fc
          .tuple(
            credential(),
            hostileBodyText({
              login: 'fuzz.new',
              role: 'support',
              password: 'a long enough passphrase for support',
              officerPassword: TEST_PASSWORD,
            }),
          )
          .map(([who, body]) => ({
            method: 'POST',
            path: '/staff/accounts',
            body,
            headers: assertionHeaders(who),
          })),
        fc.tuple(credential(), hostileQuery(['role', 'login'])).map(([who, query]) => ({
          method: 'GET',
          path: `/staff/accounts${query}`,
          headers: assertionHeaders(who),
        })),
        fc.tuple(credential(), hostilePathSegment()).map(([who, id]) => ({
          method: 'POST',
          path: `/staff/accounts/${id}/disable`,
          headers: assertionHeaders(who),
        })),
        fc
          .tuple(credential(), hostileBodyText({ password: TEST_PASSWORD, totpCode: '123456' }))
          .map(([who, body]) => ({
            method: 'POST',
            path: '/staff/me/totp',
            body,
            headers: assertionHeaders(who),
          })),
        fc.tuple(credential(), hostileBodyText({ code: '123456' })).map(([who, body]) => ({
          method: 'POST',
          path: '/staff/me/totp/confirmation',
          body,
          headers: assertionHeaders(who),
        })),
      ),
    );
  });

  it('audit, disclosures, access review and statistics: hostile input never yields a 5xx; a refusal changes nothing', async () => {
    const validEntry = {
      principalKind: 'staff',
      principalId: 'p-fuzz',
      role: 'support',
      subject: 'order:3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
      fields: ['deliveryAddress.postcode'],
      purpose: 'customer-support',
      reference: 'ticket:FUZZ-1',
      outcome: 'granted',
      reason: null,
    };
    const purposeHeaders = fc.record(
      { 'lumen-purpose': headerValue(), 'lumen-reference': headerValue() },
      { requiredKeys: [] },
    );
    const disclosureTarget = fc.oneof(fc.constant(disclosureId), hostilePathSegment());
    await neverBreaks(
      fc.oneof(
        // Signed by checkout (a reporting service), so the body checks are reached.
        fc.tuple(hostileBodyText(validEntry), fc.boolean()).map(([body, signed]) => ({
          method: 'POST',
          path: '/audit/entries',
          body,
          headers: signed
            ? signServiceRequest(t.signerOf('checkout'), {
                method: 'POST',
                path: '/audit/entries',
                body,
              })
            : {},
        })),
        fc.tuple(credential(), hostileQuery(['headSeq', 'headHash'])).map(([who, query]) => ({
          method: 'GET',
          path: `/audit/verification${query}`,
          headers: assertionHeaders(who),
        })),
        fc
          .tuple(credential(), hostilePathSegment(), purposeHeaders)
          .map(([who, subject, purpose]) => ({
            method: 'GET',
            path: `/audit/subjects/${subject}/entries`,
            headers: { ...assertionHeaders(who), ...purpose },
          })),
        fc.tuple(credential(), hostileBodyText(validDisclosure)).map(([who, body]) => ({
          method: 'POST',
          path: '/disclosures',
          body,
          headers: assertionHeaders(who),
        })),
        fc
          .tuple(credential(), disclosureTarget, fc.constantFrom('', '/approvals', '/export'))
          .map(([who, id, action]) => ({
            method: action === '' ? 'GET' : 'POST',
            path: `/disclosures/${id}${action}`,
            headers: assertionHeaders(who),
          })),
        fc
          .tuple(
            credential(),
            disclosureTarget,
            hostileBodyText({ until: '2027-01-31', reason: 'court order pending' }),
          )
          .map(([who, id, body]) => ({
            method: 'POST',
            path: `/disclosures/${id}/restriction`,
            body,
            headers: assertionHeaders(who),
          })),
        fc.tuple(credential(), hostilePathSegment()).map(([who, subject]) => ({
          method: 'GET',
          path: `/disclosures/subjects/${subject}/access-package`,
          headers: assertionHeaders(who),
        })),
        credential().map((who) => ({
          method: 'GET',
          path: '/access-reviews/report',
          headers: assertionHeaders(who),
        })),
        fc
          .tuple(
            credential(),
            hostileBodyText({ notes: 'quarterly review: all roles as expected' }),
          )
          .map(([who, body]) => ({
            method: 'POST',
            path: '/access-reviews',
            body,
            headers: assertionHeaders(who),
          })),
        fc
          .tuple(hostileBodyText({ path: '/products/lamp' }), fc.option(headerValue()))
          .map(([body, userAgent]): Case => ({
            method: 'POST',
            path: '/statistics/page-views',
            body,
            headers: userAgent === null ? {} : { 'user-agent': userAgent },
          })),
        fc.tuple(credential(), hostileQuery(['groupBy', 'from', 'to'])).map(([who, query]) => ({
          method: 'GET',
          path: `/statistics/page-views${query}`,
          headers: assertionHeaders(who),
        })),
      ),
    );
  });

  it('a NUL byte in a path, query or body value never reaches PostgreSQL as a 5xx, and changes nothing', async () => {
    // PostgreSQL refuses NUL in text with an error, which surfaces as a 500 unless refused
    // first. The properties above draw it only now and then; here every route gets it.
    const officerAsks = { [STAFF_ASSERTION_HEADER]: officer };
    const nul = 'a\u0000b';
    const cases: Case[] = [
      { method: 'POST', path: '/staff/accounts/a%00b/disable', headers: officerAsks },
      {
        method: 'GET',
        path: '/audit/subjects/order%3Aa%00b/entries',
        headers: {
          ...officerAsks,
          'lumen-purpose': 'subject-access-request',
          'lumen-reference': 'ticket:FUZZ-1',
        },
      },
      {
        method: 'GET',
        path: '/disclosures/subjects/order%3Aa%00b/access-package',
        headers: officerAsks,
      },
      { method: 'GET', path: '/audit/verification?headSeq=1&headHash=a%00b', headers: officerAsks },
      {
        method: 'GET',
        path: '/statistics/page-views?groupBy=a%00b&from=a%00b',
        headers: officerAsks,
      },
      { method: 'GET', path: '/privacy/links/a%00b?format=a%00b' },
      { method: 'POST', path: '/privacy/requests/a%00b/verification', body: '{"code":"123456"}' },
      {
        method: 'POST',
        path: `/privacy/requests/${requestId}/verification`,
        body: JSON.stringify({ code: nul }),
      },
      {
        method: 'POST',
        path: '/privacy/requests',
        body: JSON.stringify({ kind: 'access', customerId: nul, email: 'fuzz@example.com' }),
      },
      {
        method: 'POST',
        path: '/staff/sessions',
        body: JSON.stringify({ login: nul, password: TEST_PASSWORD }),
      },
      {
        method: 'POST',
        path: '/staff/sessions',
        body: JSON.stringify({ login: SIGN_IN_LOGIN, password: nul }),
      },
      {
        method: 'POST',
        path: '/staff/accounts',
        body: JSON.stringify({
          login: nul,
          role: 'support',
          password: 'a long enough passphrase for support',
          officerPassword: TEST_PASSWORD,
        }),
        headers: officerAsks,
      },
      {
        method: 'POST',
        path: '/disclosures',
        body: JSON.stringify({ ...validDisclosure, requestingBody: nul, legalBasis: nul }),
        headers: officerAsks,
      },
      {
        method: 'POST',
        path: `/disclosures/${disclosureId}/restriction`,
        body: JSON.stringify({ until: '2027-01-31', reason: `reason ${nul}` }),
        headers: officerAsks,
      },
      {
        method: 'POST',
        path: '/access-reviews',
        body: JSON.stringify({ notes: nul }),
        headers: officerAsks,
      },
      { method: 'POST', path: '/statistics/page-views', body: JSON.stringify({ path: `/${nul}` }) },
    ];
    // Every route is tried before judging, so one failure does not hide the next.
    const broken: { method: string; path: string; body: string | undefined; status: number }[] = [];
    for (const input of cases) {
      await resetLockouts();
      const before = await everything();
      const answer = await call(input);
      if (answer.status === 0 || answer.status >= 500) {
        broken.push({
          method: input.method,
          path: input.path,
          body: input.body,
          status: answer.status,
        });
      }
      if (answer.status >= 400)
        expect({ ...input, rows: await everything() }).toEqual({ ...input, rows: before });
    }
    expect(broken).toEqual([]);
  });

  it('forged assertion headers are refused with a 401 on every guarded route, changing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'GET /staff/accounts',
          'POST /staff/me/totp',
          'GET /audit/verification',
          'GET /access-reviews/report',
          'GET /statistics/page-views',
          'GET /privacy/internal/requests.csv',
        ),
        fc.oneof(
          headerValue(),
          // A v1 token whose payload is hostile JSON and whose signature is anything.
          fc
            .tuple(
              hostileBodyText({ iss: 'privacy', aud: 'privacy', role: 'privacy-officer' }),
              headerValue(),
            )
            .map(
              ([payload, signature]) =>
                `v1.${Buffer.from(payload, 'utf8').toString('base64url')}.${Buffer.from(signature).toString('base64url')}`,
            ),
          // The genuine assertion cut short (its signature, or payload and signature both).
          fc.integer({ min: 1, max: 80 }).map((cut) => officer.slice(0, -cut)),
        ),
        async (route, assertion) => {
          const [method = 'GET', path = '/'] = route.split(' ');
          const before = await everything();
          const answer = await call({
            method,
            path,
            headers: { [STAFF_ASSERTION_HEADER]: assertion },
            ...(method === 'POST' ? { body: JSON.stringify({ password: TEST_PASSWORD }) } : {}),
          });
          // Strictly a 401, not merely "not a 5xx": a forged assertion never reaches a handler.
          expect({ route, assertion, status: answer.status }).toEqual({
            route,
            assertion,
            status: 401,
          });
          expect(await everything()).toEqual(before);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('refuses a body over the limit with 413 on every route that takes one, before reading it', async () => {
    const routes = [
      '/privacy/requests',
      `/privacy/requests/${requestId}/verification`,
      '/staff/sessions',
      '/staff/sessions/current/assertion',
      '/staff/accounts',
      '/staff/me/totp',
      '/staff/me/totp/confirmation',
      '/audit/entries',
      '/disclosures',
      `/disclosures/${disclosureId}/restriction`,
      '/access-reviews',
      '/statistics/page-views',
    ];
    const before = await everything();
    for (const path of routes) {
      const answer = await call({
        method: 'POST',
        path,
        body: oversizedJsonBody(16 * 1024),
        headers: { [STAFF_ASSERTION_HEADER]: officer },
      });
      expect({ path, status: answer.status }).toEqual({ path, status: 413 });
      expect({
        path,
        status: await sendDeclaringLength(`${t.baseUrl}${path}`, 10 * 1024 * 1024),
      }).toEqual({ path, status: 413 });
    }
    expect(await everything()).toEqual(before);
  });
});
