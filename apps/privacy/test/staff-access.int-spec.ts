import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { signServiceRequest } from '#lumen/crypto';
import { fromBase32, totpAt } from '#lumen/staff-access';
import { MAX_FAILED_ATTEMPTS } from '../src/staff/domain/lockout';
import { RedisStaffSessionStore } from '../src/staff/infrastructure/redis-staff-session.store';
import { startStaffTestApp, TEST_PASSWORD, type StaffTestApp } from './support/staff-test-app';

/**
 * Staff identity, the audit log and the statistics as a caller meets them: the real privacy
 * app, PostgreSQL and Redis.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('privacy: staff identity, audit log, statistics', () => {
  let t: StaffTestApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startStaffTestApp();
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  const asStaff = (assertion: string, extra: Record<string, string> = {}) => ({
    'lumen-staff-assertion': assertion,
    ...extra,
  });

  describe('sign-in and sessions', () => {
    it('signs in with an opaque HttpOnly/Secure/SameSite=Strict cookie, stored only hashed in Redis', async () => {
      await t.openAccount('ada.officer', 'privacy-officer');
      const response = await t.signIn('ada.officer');
      expect(response.status).toBe(201);
      const cookie = response.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(
        /^lumen_staff_session=[A-Za-z0-9_-]{43}; Path=\/staff\/sessions; Max-Age=28800; HttpOnly; Secure; SameSite=Strict$/,
      );
      const token = /=([^;]+);/.exec(cookie)?.[1] ?? '';
      expect(cookie).not.toContain('ada');
      const body = (await response.json()) as { role: string; assertion: string };
      expect(body.role).toBe('privacy-officer');
      // The store never holds the token itself, only its hash; the TTL is the idle timeout.
      const keys = await redis.keys(`${t.redisPrefix}*`);
      expect(keys).toContain(
        `${t.redisPrefix}staff-session:${createHash('sha256').update(token).digest('hex')}`,
      );
      for (const key of keys) expect(await redis.get(key)).not.toContain(token);
      const ttl = await redis.pttl(keys[0] ?? '');
      expect(ttl).toBeGreaterThan(14 * 60_000);
      expect(ttl).toBeLessThanOrEqual(15 * 60_000);

      // The cookie buys a fresh assertion for one named service; after sign-out it buys nothing.
      const assertionFor = (audience?: string) =>
        fetch(`${t.baseUrl}/staff/sessions/current/assertion`, {
          method: 'POST',
          headers: { cookie: `lumen_staff_session=${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(audience === undefined ? {} : { audience }),
        });
      const unnamed = await assertionFor();
      expect(unnamed.status).toBe(400);
      expect(((await unnamed.json()) as { message: string }).message).toMatch(/^audience: /);
      const again = await assertionFor('privacy');
      expect(again.status).toBe(201);
      const accounts = (assertion: string) =>
        fetch(`${t.baseUrl}/staff/accounts`, { headers: asStaff(assertion) });
      expect(
        (await accounts(((await again.json()) as { assertion: string }).assertion)).status,
      ).toBe(200);
      // An assertion made out for checkout is no good at privacy, whoever replays it.
      const forCheckout = await assertionFor('checkout');
      expect(forCheckout.status).toBe(201);
      const replayed = await accounts(
        ((await forCheckout.json()) as { assertion: string }).assertion,
      );
      expect(replayed.status).toBe(401);
      expect(((await replayed.json()) as { message: string }).message).toMatch(
        /wrong-audience.*audience 'privacy'/,
      );
      const out = await fetch(`${t.baseUrl}/staff/sessions/current`, {
        method: 'DELETE',
        headers: { cookie: `lumen_staff_session=${token}` },
      });
      expect(out.status).toBe(204);
      expect((await assertionFor('privacy')).status).toBe(401);
      // Without a session the body is not even read: 401, not a 400 about the audience.
      expect((await assertionFor()).status).toBe(401);
    });

    it('gives unknown names and wrong passwords the same 401, and locks after five failures', async () => {
      await t.openAccount('bo.support', 'support');
      const unknown = await t.signIn('nobody.here');
      expect(unknown.status).toBe(401);
      for (let i = 0; i < 5; i += 1) {
        const wrong = await t.signIn('bo.support', 'not the right password at all');
        expect(wrong.status).toBe(401);
        expect(await wrong.json()).toMatchObject({ code: 'bad-credentials' });
      }
      const locked = await t.signIn('bo.support', TEST_PASSWORD);
      expect(locked.status).toBe(423);
      const [row] = await t.dataSource.query<{ long_enough: boolean }[]>(
        `SELECT locked_until - now() > interval '14 minutes' AS long_enough FROM staff_accounts WHERE login = 'bo.support'`,
      );
      expect(row?.long_enough).toBe(true);
    });

    it('locks after five failures however many guesses arrive at once', async () => {
      await t.openAccount('ka.support', 'support');
      const guesses = 4 * MAX_FAILED_ATTEMPTS;
      const answers = await Promise.all(
        Array.from({ length: guesses }, () => t.signIn('ka.support', 'not the right password')),
      );
      const statuses = answers.map((answer) => answer.status);
      // Exactly five guesses get a password check; all others meet the lockout first.
      expect(statuses.filter((status) => status === 401)).toHaveLength(MAX_FAILED_ATTEMPTS);
      expect(statuses.filter((status) => status === 423)).toHaveLength(
        guesses - MAX_FAILED_ATTEMPTS,
      );
      expect((await t.signIn('ka.support', TEST_PASSWORD)).status).toBe(423);
    });

    it('ends a session idle past its timeout, and any session at its absolute cap', async () => {
      let now = Date.now();
      const store = new RedisStaffSessionStore(
        redis,
        { idleMs: 300, absoluteMs: 1_000 },
        t.redisPrefix,
        () => now,
      );
      const idle = await store.create({ principalId: 'stf_x', role: 'support', createdAt: now });
      await new Promise((resolve) => setTimeout(resolve, 450));
      expect(await store.touch(idle.token)).toBeUndefined();

      const busy = await store.create({ principalId: 'stf_y', role: 'support', createdAt: now });
      now += 250;
      expect(await store.touch(busy.token)).toBeDefined();
      now += 250;
      expect(await store.touch(busy.token)).toBeDefined();
      now += 600; // past the absolute cap, however busy
      expect(await store.touch(busy.token)).toBeUndefined();
    });
  });

  describe('accounts and TOTP', () => {
    it('opens accounts for privacy officers only, with the password rules', async () => {
      const officer = await t.assertionFor('cy.officer', 'privacy-officer');
      const support = await t.assertionFor('di.support', 'support');
      const open = (
        headers: Record<string, string>,
        password: string,
        officerPassword: string | null = TEST_PASSWORD,
      ) =>
        fetch(`${t.baseUrl}/staff/accounts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({
            login: 'ed.fulfil',
            role: 'fulfilment',
            password,
            ...(officerPassword === null ? {} : { officerPassword }),
          }),
        });
      expect((await open({}, TEST_PASSWORD)).status).toBe(401);
      // The officer's assertion alone does not open an account: their password is asked again.
      const unconfirmed = await open(asStaff(officer), TEST_PASSWORD, null);
      expect(unconfirmed.status).toBe(400);
      expect(((await unconfirmed.json()) as { message: string }).message).toMatch(
        /^officerPassword: /,
      );
      const wrongOfficer = await open(asStaff(officer), TEST_PASSWORD, 'not the officer password');
      expect(wrongOfficer.status).toBe(401);
      expect(((await wrongOfficer.json()) as { message: string }).message).toMatch(
        /^officerPassword, officerTotpCode: /,
      );
      expect((await open(asStaff(support), TEST_PASSWORD)).status).toBe(403);
      const short = await open(asStaff(officer), 'short');
      expect(short.status).toBe(400);
      expect(await short.json()).toMatchObject({ code: 'weak-password' });
      expect((await open(asStaff(officer), 'password1234')).status).toBe(400);
      expect((await open(asStaff(officer), 'Welcome2026!!')).status).toBe(400);
      expect((await open(asStaff(officer), TEST_PASSWORD)).status).toBe(201);
      expect((await open(asStaff(officer), TEST_PASSWORD)).status).toBe(409);
      const [row] = await t.dataSource.query<{ password_hash: string }[]>(
        `SELECT password_hash FROM staff_accounts WHERE login = 'ed.fulfil'`,
      );
      expect(row?.password_hash).toMatch(
        /^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/,
      );
    });

    /** Enrols a TOTP secret, confirmed with the previous step's code; answers the secret. */
    async function enrolSecondFactor(assertion: string): Promise<Buffer> {
      const started = await fetch(`${t.baseUrl}/staff/me/totp`, {
        method: 'POST',
        headers: { ...asStaff(assertion), 'content-type': 'application/json' },
        body: JSON.stringify({ password: TEST_PASSWORD }),
      });
      expect(started.status).toBe(201);
      const { otpauthUri } = (await started.json()) as { otpauthUri: string };
      const secret = fromBase32(new URL(otpauthUri).searchParams.get('secret') ?? '');
      const confirmed = await fetch(`${t.baseUrl}/staff/me/totp/confirmation`, {
        method: 'POST',
        headers: { ...asStaff(assertion), 'content-type': 'application/json' },
        body: JSON.stringify({ code: totpAt(secret, new Date(Date.now() - 30_000)) }),
      });
      expect(confirmed.status).toBe(204);
      return secret;
    }

    it('disables an account: no new sign-in, and its live session gets no more assertions', async () => {
      const officer = await t.assertionFor('na.officer', 'privacy-officer');
      const support = await t.assertionFor('ni.support', 'support');
      await t.openAccount('no.support', 'support');
      const signedIn = await t.signIn('no.support');
      expect(signedIn.status).toBe(201);
      const { principalId } = (await signedIn.json()) as { principalId: string };
      const token = /=([^;]+);/.exec(signedIn.headers.get('set-cookie') ?? '')?.[1] ?? '';
      const disable = (assertion: string, id = principalId) =>
        fetch(`${t.baseUrl}/staff/accounts/${id}/disable`, {
          method: 'POST',
          headers: asStaff(assertion),
        });
      expect((await disable(support)).status).toBe(403);
      expect((await disable(officer, 'stf_nobody')).status).toBe(404);
      expect((await disable(officer)).status).toBe(204);
      const next = await fetch(`${t.baseUrl}/staff/sessions/current/assertion`, {
        method: 'POST',
        headers: { cookie: `lumen_staff_session=${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ audience: 'privacy' }),
      });
      expect(next.status).toBe(401);
      expect((await t.signIn('no.support')).status).toBe(401);
      const listed = (await (
        await fetch(`${t.baseUrl}/staff/accounts`, { headers: asStaff(officer) })
      ).json()) as { principalId: string; disabled: boolean }[];
      expect(listed.find((account) => account.principalId === principalId)?.disabled).toBe(true);
    });

    it('takes a code once, even from sign-ins racing each other with it', async () => {
      const secret = await enrolSecondFactor(await t.assertionFor('la.support', 'support'));
      const code = totpAt(secret, new Date(Date.now() + 30_000));
      const answers = await Promise.all(
        Array.from({ length: 3 }, () => t.signIn('la.support', TEST_PASSWORD, code)),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 401, 401]);
    });

    it('replaces a second factor only with the password and the current code', async () => {
      const assertion = await t.assertionFor('mo.support', 'support');
      const secret = await enrolSecondFactor(assertion);
      const restart = (body: unknown) =>
        fetch(`${t.baseUrl}/staff/me/totp`, {
          method: 'POST',
          headers: { ...asStaff(assertion), 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const bare = await restart({});
      expect(bare.status).toBe(400);
      expect(((await bare.json()) as { message: string }).message).toMatch(/^password: /);
      const noCode = await restart({ password: TEST_PASSWORD });
      expect(noCode.status).toBe(401);
      expect(((await noCode.json()) as { message: string }).message).toMatch(
        /^password, totpCode: /,
      );
      const [before] = await t.dataSource.query<{ totp_pending: Buffer | null }[]>(
        `SELECT totp_pending FROM staff_accounts WHERE login = 'mo.support'`,
      );
      expect(before?.totp_pending).toBeNull();
      const withCode = await restart({
        password: TEST_PASSWORD,
        totpCode: totpAt(secret, new Date()),
      });
      expect(withCode.status).toBe(201);
    });

    it('enrols a second factor, then wants a fresh code at every sign-in', async () => {
      const assertion = await t.assertionFor('fi.fulfil', 'fulfilment');
      const started = await fetch(`${t.baseUrl}/staff/me/totp`, {
        method: 'POST',
        headers: { ...asStaff(assertion), 'content-type': 'application/json' },
        body: JSON.stringify({ password: TEST_PASSWORD }),
      });
      expect(started.status).toBe(201);
      const { otpauthUri } = (await started.json()) as { otpauthUri: string };
      const secret = fromBase32(new URL(otpauthUri).searchParams.get('secret') ?? '');
      const confirm = (code: string) =>
        fetch(`${t.baseUrl}/staff/me/totp/confirmation`, {
          method: 'POST',
          headers: { ...asStaff(assertion), 'content-type': 'application/json' },
          body: JSON.stringify({ code }),
        });
      const wrongCode = totpAt(secret, new Date(Date.now() - 10 * 60_000));
      expect((await confirm(wrongCode)).status).toBe(400);
      // Confirm with the previous step's code, so the sign-in below can use the current one.
      expect((await confirm(totpAt(secret, new Date(Date.now() - 30_000)))).status).toBe(204);

      // The right password without the code gets the wrong password's answer, and counts.
      const noCode = await t.signIn('fi.fulfil');
      expect(noCode.status).toBe(401);
      expect(await noCode.json()).toMatchObject({ code: 'bad-credentials' });
      const [counted] = await t.dataSource.query<{ failed_attempts: number }[]>(
        `SELECT failed_attempts FROM staff_accounts WHERE login = 'fi.fulfil'`,
      );
      expect(counted?.failed_attempts).toBe(1);
      const code = totpAt(secret, new Date(Date.now() + 30_000));
      expect((await t.signIn('fi.fulfil', TEST_PASSWORD, code)).status).toBe(201);
      // The same code again is spent.
      expect((await t.signIn('fi.fulfil', TEST_PASSWORD, code)).status).toBe(401);
      const [row] = await t.dataSource.query<{ totp_secret: Buffer }[]>(
        `SELECT totp_secret FROM staff_accounts WHERE login = 'fi.fulfil'`,
      );
      expect(row?.totp_secret.includes(secret)).toBe(false);
    });
  });

  describe('audit log', () => {
    const entry = {
      principalKind: 'staff',
      principalId: 'stf_abc',
      role: 'support',
      subject: 'order:0b8f3c1e-1111-4222-8333-944455556666',
      fields: ['contact.email', 'deliveryAddress'],
      purpose: 'customer-support',
      reference: 'ticket:T-42',
      outcome: 'granted',
      reason: null,
    };

    function signedPost(service: string, body: unknown) {
      const raw = JSON.stringify(body);
      const headers = signServiceRequest(t.signerOf(service), {
        method: 'POST',
        path: '/audit/entries',
        body: raw,
      });
      return fetch(`${t.baseUrl}/audit/entries`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: raw,
      });
    }

    it('takes entries from signed services only, closed bodies only, and chains them', async () => {
      const unsigned = await fetch(`${t.baseUrl}/audit/entries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(entry),
      });
      expect(unsigned.status).toBe(401);
      expect((await signedPost('checkout', { ...entry, email: 'x@y.example' })).status).toBe(400);
      expect((await signedPost('checkout', { ...entry, fields: ['jane@x.example'] })).status).toBe(
        400,
      );
      for (let i = 0; i < 3; i += 1) expect((await signedPost('checkout', entry)).status).toBe(201);
      const rows = await t.dataSource.query<{ seq: string; reporter: string }[]>(
        `SELECT seq, reporter FROM audit_log ORDER BY seq`,
      );
      expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
      expect(rows.every((r) => r.reporter === 'checkout')).toBe(true);
    });

    it('refuses UPDATE and DELETE in the database itself', async () => {
      await expect(t.dataSource.query(`UPDATE audit_log SET principal_id = 'x'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(t.dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    });

    it('serves entries about a subject to a privacy officer with a purpose, and records that read', async () => {
      const officer = await t.assertionFor('gu.officer', 'privacy-officer');
      const support = await t.assertionFor('ha.support', 'support');
      const url = `${t.baseUrl}/audit/subjects/${encodeURIComponent(entry.subject)}/entries`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: asStaff(support) })).status).toBe(403);
      expect((await fetch(url, { headers: asStaff(officer) })).status).toBe(400);
      const wrongPurpose = await fetch(url, {
        headers: asStaff(officer, {
          'lumen-purpose': 'customer-support',
          'lumen-reference': 'ticket:T-1',
        }),
      });
      expect(wrongPurpose.status).toBe(403);
      const granted = await fetch(url, {
        headers: asStaff(officer, {
          'lumen-purpose': 'subject-access-request',
          'lumen-reference': 'subject-request:SAR-7',
        }),
      });
      expect(granted.status).toBe(200);
      const body = (await granted.json()) as { entries: { fields: string[] }[] };
      expect(body.entries.length).toBeGreaterThanOrEqual(3);
      const recorded = await t.dataSource.query<
        { outcome: string; reason: string | null; purpose: string | null }[]
      >(
        `SELECT outcome, reason, purpose, reference, role FROM audit_log
          WHERE subject = $1 AND reporter = 'privacy' ORDER BY seq`,
        [entry.subject],
      );
      expect(recorded).toEqual([
        {
          outcome: 'refused',
          reason: 'purpose-missing',
          purpose: null,
          reference: null,
          role: 'privacy-officer',
        },
        {
          outcome: 'refused',
          reason: 'purpose-not-allowed',
          purpose: null,
          reference: null,
          role: 'privacy-officer',
        },
        {
          outcome: 'granted',
          reason: null,
          purpose: 'subject-access-request',
          reference: 'subject-request:SAR-7',
          role: 'privacy-officer',
        },
      ]);
    });

    it('verifies the chain, and detects an altered and a removed entry', async () => {
      const officer = await t.assertionFor('io.officer', 'privacy-officer');
      const verify = async () =>
        (await (
          await fetch(`${t.baseUrl}/audit/verification`, { headers: asStaff(officer) })
        ).json()) as { ok: boolean; firstBreak: unknown; head: { seq: number; hash: string } };
      const clean = await verify();
      expect(clean).toMatchObject({ ok: true, firstBreak: null });

      // Someone with superuser rights goes around the trigger.
      const tamper = async (sql: string) =>
        t.dataSource.transaction(async (tx) => {
          await tx.query(`SET LOCAL session_replication_role = replica`);
          await tx.query(sql);
        });
      await tamper(`UPDATE audit_log SET fields = ARRAY['contact.email'] WHERE seq = 2`);
      expect(await verify()).toMatchObject({
        ok: false,
        firstBreak: { seq: 2, problem: 'altered' },
      });
      await tamper(
        `UPDATE audit_log SET fields = ARRAY['contact.email', 'deliveryAddress'] WHERE seq = 2`,
      );
      expect(await verify()).toMatchObject({ ok: true });
      await tamper(`DELETE FROM audit_log WHERE seq = 1`);
      expect(await verify()).toMatchObject({
        ok: false,
        firstBreak: { seq: 1, problem: 'missing' },
      });
    });
  });

  describe('page-view statistics', () => {
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

    it('stores only counts under a network prefix and browser/OS family, and suppresses small groups', async () => {
      const view = (path: string, remoteAddress: string) =>
        t.app.inject({
          method: 'POST',
          url: '/statistics/page-views',
          remoteAddress,
          headers: { 'content-type': 'application/json', 'user-agent': firefox },
          payload: JSON.stringify({ path }),
        });
      for (let i = 0; i < 12; i += 1) {
        expect((await view('/lamps?utm=x', `203.0.113.${i + 1}`)).statusCode).toBe(202);
      }
      for (let i = 0; i < 3; i += 1) {
        expect((await view('/desks', `2001:db8:abcd:${i}::${i + 7}`)).statusCode).toBe(202);
      }
      expect(
        (await view('/x', '198.51.100.9').then(() => view('no-slash', '198.51.100.9'))).statusCode,
      ).toBe(400);

      const rows = await t.dataSource.query<Record<string, unknown>[]>(
        `SELECT path, browser, os, network, views::int AS views FROM page_view_counts ORDER BY path, network`,
      );
      expect(rows).toEqual([
        {
          path: '/desks',
          browser: 'Firefox',
          os: 'Linux',
          network: '2001:db8:abcd::/48',
          views: 3,
        },
        { path: '/lamps', browser: 'Firefox', os: 'Linux', network: '203.0.113.0/24', views: 12 },
        { path: '/x', browser: 'Firefox', os: 'Linux', network: '198.51.100.0/24', views: 1 },
      ]);
      const dump = JSON.stringify(await t.dataSource.query(`SELECT * FROM page_view_counts`));
      expect(dump).not.toMatch(/203\.0\.113\.[1-9]|2001:db8:abcd:[0-9]+::|Gecko|rv:133/);

      const operations = await t.assertionFor('jo.ops', 'operations');
      expect((await fetch(`${t.baseUrl}/statistics/page-views`)).status).toBe(401);
      const report = await fetch(`${t.baseUrl}/statistics/page-views?groupBy=path,network`, {
        headers: asStaff(operations),
      });
      expect(report.status).toBe(200);
      expect(await report.json()).toEqual({
        groups: [{ group: { path: '/lamps', network: '203.0.113.0/24' }, views: 12 }],
        suppressedGroups: 2,
        suppressedViews: 0,
        minCount: 10,
      });
    });
  });
});
