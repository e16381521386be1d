/**
 * PKCE (RFC 7636) values as the AWS CLI v2 makes them (SSOTokenFetcherAuth): a 64-character
 * verifier from the unreserved alphabet, the S256 challenge in base64url without padding, and a
 * UUID state. The verifier stays in this process: only the challenge goes into the browser URL.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
  readonly state: string;
}

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function createPkce(): Pkce {
  let verifier = '';
  for (let i = 0; i < 64; i++) verifier += ALPHABET[randomInt(ALPHABET.length)];
  return { verifier, challenge: s256Challenge(verifier), state: randomUUID() };
}

/** Percent-encoding as botocore's percent_encode (only -_.~ and alphanumerics stay as they are). */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The authorize URL, parameters in the CLI's order: response_type, client_id, redirect_uri,
 * state, code_challenge_method, scopes (space separated), code_challenge.
 */
export function authorizeUrl(oidcBase: string, p: { clientId: string; redirectUri: string; state: string; challenge: string; scopes: ReadonlyArray<string> }): string {
  const q: Array<[string, string]> = [
    ['response_type', 'code'],
    ['client_id', p.clientId],
    ['redirect_uri', p.redirectUri],
    ['state', p.state],
    ['code_challenge_method', 'S256'],
    ['scopes', p.scopes.join(' ')],
  ];
  const query = q.map(([k, v]) => `${k}=${percentEncode(v)}`).join('&');
  return `${oidcBase.replace(/\/+$/, '')}/authorize?${query}&code_challenge=${p.challenge}`;
}
