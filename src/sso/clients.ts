/**
 * Where the SSO-OIDC and portal requests go, and the SDK clients for them. The endpoint is
 * resolved here, once, and handed to the client explicitly, so the authorize URL the browser
 * opens and the API calls always agree (the CLI v2 derives its authorize URL the same way, from
 * the client's resolved endpoint).
 */
import type { SSOClient } from '@aws-sdk/client-sso';
import type { SSOOIDCClient as OidcClient } from '@aws-sdk/client-sso-oidc';
import { loadSsoSdk } from './ssoSdkLoader';
import type { SsoContext, SsoSession } from './types';
import { dnsSuffixOfRegion } from '../shared/regions';

function configured(ctx: SsoContext, variable: string): string | undefined {
  const env = ctx.env ?? process.env;
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  const v = env[variable];
  return v ? v : undefined;
}

/** SSO-OIDC: the explicit option, AWS_ENDPOINT_URL_SSO_OIDC, else https://oidc.<region>.<the partition's DNS suffix>. */
export function oidcEndpoint(session: SsoSession, ctx: SsoContext): string {
  return (ctx.oidcEndpoint ?? configured(ctx, 'AWS_ENDPOINT_URL_SSO_OIDC') ?? `https://oidc.${session.region}.${dnsSuffixOfRegion(session.region)}`).replace(/\/+$/, '');
}

/** Portal: the explicit option, AWS_ENDPOINT_URL_SSO, else https://portal.sso.<region>.<the partition's DNS suffix>. */
export function portalEndpoint(session: SsoSession, ctx: SsoContext): string {
  return (ctx.portalEndpoint ?? configured(ctx, 'AWS_ENDPOINT_URL_SSO') ?? `https://portal.sso.${session.region}.${dnsSuffixOfRegion(session.region)}`).replace(/\/+$/, '');
}

export function oidcClient(session: SsoSession, ctx: SsoContext): OidcClient {
  const { SSOOIDCClient: Client } = loadSsoSdk();
  return new Client({ region: session.region, endpoint: oidcEndpoint(session, ctx) });
}

/**
 * One portal client per region and endpoint, kept: listing every role of a large organisation
 * makes a call per account, and a new client per call would open a new connection each time.
 */
const portalClients = new Map<string, SSOClient>();

export function portalClient(session: SsoSession, ctx: SsoContext): SSOClient {
  const endpoint = portalEndpoint(session, ctx);
  const key = `${session.region} ${endpoint}`;
  let client = portalClients.get(key);
  if (!client) {
    const { SSOClient: Client } = loadSsoSdk();
    client = new Client({ region: session.region, endpoint });
    portalClients.set(key, client);
  }
  return client;
}
