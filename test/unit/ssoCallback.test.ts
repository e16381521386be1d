/** The loopback callback server: only our path, our state and our Host settle it; then it closes. */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { startCallbackServer } from '../../src/sso/callbackServer';
import { SsoError } from '../../src/sso/errors';

function get(url: string, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, host ? { headers: { host } } : {}, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

describe('sso callback server', () => {
  it('listens on 127.0.0.1, ignores other paths, states and hosts, settles on the right request, then closes', async () => {
    const s = await startCallbackServer({ state: 'good-state', what: 'testing' });
    assert.match(s.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    const base = s.redirectUri.replace('/oauth/callback', '');
    assert.equal(await get(`${base}/favicon.ico`), 404);
    assert.equal(await get(`${s.redirectUri}?code=evil&state=other`), 400);
    assert.equal(await get(`${s.redirectUri}?code=evil&state=good-state`, 'attacker.example:80'), 404);
    assert.equal(await get(`${s.redirectUri}?code=the-code&state=good-state`), 200);
    assert.equal(await s.code, 'the-code');
    await assert.rejects(get(`${s.redirectUri}?code=again&state=good-state`), /ECONNREFUSED|ECONNRESET|socket hang up/);
  });

  it('an error parameter with our state fails the sign-in with the cause; timeout and abort fail it too', async () => {
    const s = await startCallbackServer({ state: 'st', what: 'testing' });
    await get(`${s.redirectUri}?error=access_denied&state=st`);
    await assert.rejects(s.code, (e: unknown) => e instanceof SsoError && e.kind === 'denied' && /Allow/.test(e.message));
    const t = await startCallbackServer({ state: 'st', what: 'testing', timeoutMs: 50 });
    await assert.rejects(t.code, (e: unknown) => e instanceof SsoError && e.kind === 'expired');
    const ac = new AbortController();
    const u = await startCallbackServer({ state: 'st', what: 'testing', signal: ac.signal });
    ac.abort();
    await assert.rejects(u.code, (e: unknown) => e instanceof SsoError && e.kind === 'cancelled');
  });

  it('error=invalid_client is the registration\'s fault, not the user\'s: no advice to choose Allow', async () => {
    // "Choose Allow" answers access_denied only; for a rejected client the user can do nothing on
    // that page, and the next sign-in registers anew (oidc.ts).
    for (const error of ['invalid_client', 'unauthorized_client']) {
      const s = await startCallbackServer({ state: 'st', what: 'testing' });
      await get(`${s.redirectUri}?error=${error}&state=st`);
      await assert.rejects(s.code, (e: unknown) => e instanceof SsoError && e.kind === 'invalidClient' && !/Allow/.test(e.message) && /sign in again/i.test(e.message) && e.message.includes(error));
    }
    const other = await startCallbackServer({ state: 'st', what: 'testing' });
    await get(`${other.redirectUri}?error=server_error&state=st`);
    await assert.rejects(other.code, (e: unknown) => e instanceof SsoError && e.kind === 'callback' && !/Allow/.test(e.message) && e.message.includes('server_error'));
  });
});

