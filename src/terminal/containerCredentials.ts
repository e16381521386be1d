/**
 * What the credential endpoint may hand out and in which shape: the container-credentials body the
 * SDKs and CLIs parse. PURE CORE: no `vscode` import.
 */
import type { AwsCredentials } from '../shared/types';

/** Why these credentials must not be handed out, or undefined when they may. */
export function unusable(creds: AwsCredentials, nowMs: number): string | undefined {
  if (!creds.sessionToken) {
    return 'they are long-lived keys without a session token (only temporary credentials are served to terminals)';
  }
  if (!creds.expiration) return 'they have no expiration time';
  // The container protocol has second resolution; anything expiring within the second is as good as expired.
  if (creds.expiration.getTime() - nowMs < 1000) return `they expired at ${formatExpiration(creds.expiration)}`;
  return undefined;
}

/** The body the SDKs expect from a container credentials endpoint. */
export function toContainerResponse(creds: AwsCredentials): Record<string, string> {
  const body: Record<string, string> = {
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    Token: creds.sessionToken ?? '',
    Expiration: formatExpiration(creds.expiration ?? new Date(0)),
  };
  if (creds.accountId) body.AccountId = creds.accountId;
  return body;
}

/**
 * `YYYY-MM-DDTHH:MM:SSZ`: strict RFC 3339 in UTC without fractional seconds. The JS SDK rejects
 * other shapes (an offset, microseconds). Milliseconds are dropped, never rounded up, so the
 * advertised expiry is never later than the real one.
 */
export function formatExpiration(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
