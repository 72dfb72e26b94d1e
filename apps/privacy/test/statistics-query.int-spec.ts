import { startStaffTestApp, type StaffTestApp } from './support/staff-test-app';

/**
 * The page-view report's query string as a caller sends it, through the real privacy app
 * (Fastify's query parser included): a repeated parameter and an impossible day are answered
 * with a 400 naming the field, never a 500.
 */
describe('privacy: page-view report query', () => {
  let t: StaffTestApp;
  let assertion: string;

  beforeAll(async () => {
    t = await startStaffTestApp();
    assertion = await t.assertionFor('sam.ops', 'operations');
  });

  afterAll(async () => {
    await t.close();
  });

  const report = async (query: string) => {
    const response = await fetch(`${t.baseUrl}/statistics/page-views?${query}`, {
      headers: { 'lumen-staff-assertion': assertion },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('reads a repeated groupBy as the list it stands for', async () => {
    const { status, body } = await report('groupBy=day&groupBy=path&from=2026-01-01&to=2026-01-31');
    expect(status).toBe(200);
    expect(body).toMatchObject({ groups: [], suppressedGroups: 0 });
  });

  it.each([
    ['from=2026-02-30', /^from: a calendar day as YYYY-MM-DD/],
    ['from=2026-01-01&to=2026-13-01', /^to: a calendar day as YYYY-MM-DD/],
    ['from=2026-01-01&from=2026-01-02', /^from: /],
    ['groupBy=day&groupBy=colour', /^groupBy: colour unknown; use any of day, /],
    ['from=2026-03-02&to=2026-03-01', /^to: a day on or after 2026-03-02/],
  ])('answers %s with a 400 naming the field', async (query, message) => {
    const { status, body } = await report(query);
    expect(status).toBe(400);
    expect(body['message']).toMatch(message);
  });
});
