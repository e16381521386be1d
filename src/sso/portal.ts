/**
 * The IAM Identity Center portal (the `sso` service): accounts and roles assigned to the
 * signed-in user, role credentials, and server-side logout. The bearer token travels in the
 * x-amz-sso_bearer_token header (the SDK puts it there); it is never logged.
 */
import { rememberSecrets } from '../shared/redact';
import type { AwsCredentials } from '../shared/types';
import { portalClient, portalEndpoint } from './clients';
import { mapServiceError, sessionLabel, SsoError } from './errors';
import { loadSsoSdk } from './ssoSdkLoader';
import type { SsoAccessToken, SsoAccount, SsoContext, SsoRole, SsoSession } from './types';

/** Pages are followed to the end; this bounds a misbehaving service that never stops paging. */
const MAX_PAGES = 1000;

async function allPages<T>(fetchPage: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken?: string }>): Promise<T[]> {
  const all: T[] = [];
  let next: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await fetchPage(next);
    all.push(...r.items);
    if (!r.nextToken || r.nextToken === next) return all;
    next = r.nextToken;
  }
  return all;
}

export async function listAccounts(session: SsoSession, token: SsoAccessToken, ctx: SsoContext = {}, signal?: AbortSignal): Promise<SsoAccount[]> {
  const sdk = loadSsoSdk();
  const client = portalClient(session, ctx);
  try {
    return await allPages(async (nextToken) => {
      const out = await client.send(new sdk.ListAccountsCommand({ accessToken: token.accessToken, nextToken, maxResults: 100 }), { abortSignal: signal });
      const items = (out.accountList ?? [])
        .filter((a) => a.accountId)
        .map((a) => ({ accountId: a.accountId!, ...(a.accountName ? { accountName: a.accountName } : {}), ...(a.emailAddress ? { emailAddress: a.emailAddress } : {}) }));
      return { items, nextToken: out.nextToken };
    });
  } catch (e) {
    throw mapServiceError(e, session, `listing the AWS accounts of ${sessionLabel(session)}`, portalEndpoint(session, ctx));
  }
}

export async function listAccountRoles(session: SsoSession, token: SsoAccessToken, accountId: string, ctx: SsoContext = {}, signal?: AbortSignal): Promise<SsoRole[]> {
  const sdk = loadSsoSdk();
  const client = portalClient(session, ctx);
  try {
    return await allPages(async (nextToken) => {
      const out = await client.send(new sdk.ListAccountRolesCommand({ accessToken: token.accessToken, accountId, nextToken, maxResults: 100 }), { abortSignal: signal });
      const items = (out.roleList ?? []).filter((r) => r.roleName).map((r) => ({ accountId: r.accountId ?? accountId, roleName: r.roleName! }));
      return { items, nextToken: out.nextToken };
    });
  } catch (e) {
    throw mapServiceError(e, session, `listing the roles of account ${accountId} in ${sessionLabel(session)}`, portalEndpoint(session, ctx));
  }
}

/** Temporary credentials of `roleName` in `accountId` (the portal's GetRoleCredentials). */
export async function getRoleCredentials(session: SsoSession, token: SsoAccessToken, accountId: string, roleName: string, ctx: SsoContext = {}, signal?: AbortSignal): Promise<AwsCredentials> {
  const sdk = loadSsoSdk();
  const doing = `getting credentials for role ${roleName} in account ${accountId} (${sessionLabel(session)})`;
  let out;
  try {
    out = await portalClient(session, ctx).send(new sdk.GetRoleCredentialsCommand({ accessToken: token.accessToken, accountId, roleName }), { abortSignal: signal });
  } catch (e) {
    throw mapServiceError(e, session, doing, portalEndpoint(session, ctx));
  }
  const c = out.roleCredentials;
  if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || !c.expiration) {
    throw new SsoError('other', `IAM Identity Center answered without complete credentials while ${doing}. Try again; if it persists, report it with the log.`);
  }
  // `expiration` is epoch milliseconds in this API (botocore divides it by 1000).
  const creds: AwsCredentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiration), accountId };
  rememberSecrets(creds);
  return creds;
}

/** Ends the session server-side (what `aws sso logout` calls before deleting the cache file). */
export async function logout(session: SsoSession, token: SsoAccessToken, ctx: SsoContext = {}, signal?: AbortSignal): Promise<void> {
  const sdk = loadSsoSdk();
  try {
    await portalClient(session, ctx).send(new sdk.LogoutCommand({ accessToken: token.accessToken }), { abortSignal: signal });
  } catch (e) {
    throw mapServiceError(e, session, `signing out of ${sessionLabel(session)}`, portalEndpoint(session, ctx));
  }
}
