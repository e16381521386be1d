/**
 * IAM Identity Center at organisation scale: 1,000 accounts with 3 roles each, served by the
 * strict SSO fake on loopback (so the figures are our client's cost plus a loopback round trip,
 * not the real portal's latency). Measured with src/sso as the extension runs it:
 *  - `accountsMs`: the account level, ListAccounts followed page by page (100 per page, the API's maximum);
 *  - `allRolesMs`: from the start until every role of every account is listed: the account level,
 *    then ListAccountRoles for each account with at most `concurrency` requests in flight;
 *  - `portalCalls`: the portal requests one such full listing makes.
 *
 * Concurrency 8: the portal answers one account per request, so a sequential walk of 1,000
 * accounts costs 1,000 round trips (tens of seconds at the real portal's ~50–100 ms). Eight in
 * flight cut that by ~8× while keeping one user's burst small: the portal throttles per user
 * (TooManyRequestsException; AWS does not publish the rate), a throttled listing retries and
 * ends up slower, and the same sign-in is shared with the CLI and other windows. Eight is also
 * what the extension's STS agent allows per host (src/credentials/sts.ts), so one setting holds
 * for every AWS endpoint it calls.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listAccountRoles, listAccounts, signIn, type SsoAccessToken, type SsoContext, type SsoRole, type SsoSession } from '../src/sso';
import type { MotoServer } from '../test/support/moto';
import { approveInBrowser, SsoFake } from '../test/support/ssoFake';
import { nowMs, say, summarize, type Summary } from './lib';

export const SSO_LIST_CONCURRENCY = 8;

export interface SsoScaleResult {
  readonly accounts: number;
  readonly rolesPerAccount: number;
  readonly concurrency: number;
  readonly accountsMs: Summary;
  readonly allRolesMs: Summary;
  /** Portal requests of one full listing (ListAccounts pages + one ListAccountRoles per account). */
  readonly portalCalls: number;
  readonly portalCallsByOperation: Readonly<Record<string, number>>;
  readonly rolesListed: number;
}

/** Every role of every account, `limit` ListAccountRoles requests in flight at most, in account order. */
export async function listAllRoles(session: SsoSession, token: SsoAccessToken, accountIds: readonly string[], ctx: SsoContext, limit: number): Promise<SsoRole[][]> {
  const out: SsoRole[][] = new Array(accountIds.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    // Single-threaded: taking an index and incrementing it cannot interleave.
    for (let i = next++; i < accountIds.length; i = next++) out[i] = await listAccountRoles(session, token, accountIds[i]!, ctx);
  };
  await Promise.all(Array.from({ length: Math.min(limit, accountIds.length) }, worker));
  return out;
}

function portalCallsOf(calls: Readonly<Record<string, number>>): Record<string, number> {
  return { ListAccounts: calls.ListAccounts ?? 0, ListAccountRoles: calls.ListAccountRoles ?? 0 };
}

export async function measureSsoScale(o: { root: string; moto: MotoServer; runs: number; accounts?: number; rolesPerAccount?: number; concurrency?: number }): Promise<SsoScaleResult> {
  const accounts = o.accounts ?? 1_000;
  const rolesPerAccount = o.rolesPerAccount ?? 3;
  const concurrency = o.concurrency ?? SSO_LIST_CONCURRENCY;
  const fake = await SsoFake.start({ motoEndpoint: o.moto.endpoint, organisation: { accounts, rolesPerAccount } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sso-'));
  try {
    const ctx: SsoContext = { cacheDir: path.join(dir, 'cache'), oidcEndpoint: fake.endpoint, portalEndpoint: fake.endpoint };
    const session: SsoSession = { sessionName: 'bench', startUrl: fake.startUrl, region: 'us-east-1' };
    const token = await signIn(session, ctx, { flow: 'authorizationCode', openUrl: async (url) => (await approveInBrowser(url), true) });
    // Warm-up: loads the SSO SDK and opens the loopback connections, so each run times the listing only.
    await listAllRoles(session, token, (await listAccounts(session, token, ctx)).slice(0, concurrency).map((a) => a.accountId), ctx, concurrency);

    const accountsMs: number[] = [];
    const allRolesMs: number[] = [];
    let perRun: Record<string, number> = {};
    let rolesListed = 0;
    for (let run = 0; run < o.runs; run++) {
      const before = portalCallsOf(fake.calls);
      const t0 = nowMs();
      const list = await listAccounts(session, token, ctx);
      const t1 = nowMs();
      const roles = await listAllRoles(session, token, list.map((a) => a.accountId), ctx, concurrency);
      const t2 = nowMs();
      if (list.length !== accounts) throw new Error(`the account level listed ${list.length} accounts, not ${accounts}`);
      rolesListed = roles.reduce((n, r) => n + r.length, 0);
      if (rolesListed !== accounts * rolesPerAccount) throw new Error(`${rolesListed} roles listed, not ${accounts * rolesPerAccount}`);
      const after = portalCallsOf(fake.calls);
      perRun = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
      accountsMs.push(t1 - t0);
      allRolesMs.push(t2 - t0);
      say(`sso: ${accounts} accounts in ${(t1 - t0).toFixed(0)} ms, all ${rolesListed} roles in ${(t2 - t0).toFixed(0)} ms (${Object.values(perRun).reduce((a, b) => a + b, 0)} portal calls)`);
    }
    if (fake.rejections.length) throw new Error(`the SSO fake refused requests: ${fake.rejections.slice(0, 3).join('; ')}`);
    return {
      accounts,
      rolesPerAccount,
      concurrency,
      accountsMs: summarize(accountsMs),
      allRolesMs: summarize(allRolesMs),
      portalCalls: Object.values(perRun).reduce((a, b) => a + b, 0),
      portalCallsByOperation: perRun,
      rolesListed,
    };
  } finally {
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
