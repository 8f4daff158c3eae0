import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, createTestApp, DEMO_PASSWORD, type TestApp } from '../harness.ts';

/** The per-address sign-in throttle against password spraying (one guess at many accounts). */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { LOGIN_IP_MAX_FAILURES: '4', LOGIN_IP_WINDOW_MINUTES: '10' } });
  t.clock.set(new Date('2026-03-02T09:00:00+08:00'));
});
afterAll(async () => t?.close());

async function login(username: string, password: string, ip: string) {
  const res = await t.app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });
  return { status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] };
}

describe('sign-in throttle per client address', () => {
  it('after 4 failures from one address in 10 minutes refuses it, the right password too, with Retry-After; other addresses go on', async () => {
    const spray = '10.1.2.3';
    // One guess at each of four accounts, an unknown one among them: no account reaches its lockout.
    for (const user of ['auditor', 'nc_admin', 'sr_admin', 'no_such_user']) {
      expect((await login(user, 'Spring2026!', spray)).status).toBe(401);
      t.clock.advance(60_000);
    }
    const refused = await login('auditor', DEMO_PASSWORD, spray);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'AUTH_TOO_MANY_ATTEMPTS' });
    // The first failure, at 09:00, leaves the window at 09:10; it is now 09:04.
    expect(refused.retryAfter).toBe('360');
    expect((await login('auditor', DEMO_PASSWORD, '10.9.9.9')).status).toBe(200);

    const entries = await auditEntries(t, 'identity.auth.login');
    expect(entries.at(-2)).toMatchObject({ ip: spray, outcome: 'denied', error_code: 'AUTH_TOO_MANY_ATTEMPTS', target_label: 'auditor' });
    expect(entries.at(-1)).toMatchObject({ ip: '10.9.9.9', outcome: 'success' });
  });

  it('does not count its own refusals: the address may try again once its oldest failure is 10 minutes old', async () => {
    const spray = '10.1.2.3';
    for (let i = 0; i < 5; i++) expect((await login('nc_admin', 'Spring2026!', spray)).status).toBe(429);
    t.clock.advance(6 * 60_000 - 1000); // 09:09:59
    expect((await login('auditor', DEMO_PASSWORD, spray)).status).toBe(429);
    t.clock.advance(2000); // 09:10:01: the 09:00 failure has left the window
    expect((await login('auditor', DEMO_PASSWORD, spray)).status).toBe(200);
    // Three failures are still in the window: one more fills it again.
    expect((await login('sr_admin', 'Summer2026!', spray)).status).toBe(401);
    expect((await login('auditor', DEMO_PASSWORD, spray)).status).toBe(429);
  });
});
