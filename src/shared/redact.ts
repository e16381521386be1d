/**
 * Defence in depth for logs: every credential the extension holds is remembered here, and any
 * text about to be logged or shown has those values (and anything shaped like an access key ID)
 * masked. The primary rule is still "never pass a secret to a logger"; this catches mistakes.
 * No `vscode` import: the core's Logger implementations can use it too.
 *
 * A secret is kept until it no longer matters: an hour after it expires, or until its owner says
 * it is dead (a revoked endpoint token, a rotated API token). Never by count: a long session
 * issues a token per terminal and per rotation, and counting them out would unmask the
 * long-lived keys remembered first.
 */
import type { AwsCredentials } from './types';

/** Each secret with the time (ms since the epoch) after which it is dropped; Infinity: kept. */
const known = new Map<string, number>();
const KEY_ID = /\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g;
/** Expired credentials may still be quoted by a late error message or a client's log line. */
const KEPT_AFTER_EXPIRY_MS = 60 * 60_000;

/** Adds `values` (those long enough to be secrets), dropping what has expired as they arrive. */
function remember(values: ReadonlyArray<string | undefined>, expiresAt: Date | undefined, now: number): void {
  known.forEach((drop, v) => {
    if (drop < now) known.delete(v);
  });
  const until = expiresAt ? expiresAt.getTime() + KEPT_AFTER_EXPIRY_MS : Infinity;
  for (const v of values) if (v && v.length >= 8) known.set(v, Math.max(until, known.get(v) ?? -Infinity));
}

/** Remembers the secret parts of credentials so they are masked wherever they might surface. */
export function rememberSecrets(creds: AwsCredentials, now = Date.now()): void {
  remember([creds.accessKeyId, creds.secretAccessKey, creds.sessionToken], creds.expiration, now);
}

/** Remembers an opaque secret such as an endpoint token; `expiresAt`: when it stops working, if known. */
export function rememberSecret(value: string, expiresAt?: Date, now = Date.now()): void {
  remember([value], expiresAt, now);
}

/** Forgets a secret that grants nothing any more (a revoked endpoint token, a rotated API token). */
export function forgetSecret(value: string): void {
  known.delete(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of known.keys()) {
    if (out.includes(secret)) out = out.split(secret).join('****');
  }
  // Keep the prefix: it tells a reader which kind of key it was without revealing it.
  return out.replace(KEY_ID, (m, prefix: string) => (m.endsWith('EXAMPLE') ? m : `${prefix}****`));
}
