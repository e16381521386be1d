/**
 * Defence in depth for logs: every credential the extension holds is remembered here, and any
 * text about to be logged or shown has those values (and anything shaped like an access key ID)
 * masked. The primary rule is still "never pass a secret to a logger"; this catches mistakes.
 * No `vscode` import: the core's Logger implementations can use it too.
 */
import type { AwsCredentials } from './types';

const known = new Set<string>();
const KEY_ID = /\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g;

/** Remembers the secret parts of credentials so they are masked wherever they might surface. */
export function rememberSecrets(creds: AwsCredentials): void {
  for (const v of [creds.accessKeyId, creds.secretAccessKey, creds.sessionToken]) {
    if (v && v.length >= 8) known.add(v);
  }
  // Bounded: a long session sees a few credentials an hour; keep the most recent ones.
  while (known.size > 500) {
    const first = known.values().next().value;
    if (first === undefined) break;
    known.delete(first);
  }
}

/** Remembers an opaque secret such as an endpoint token. */
export function rememberSecret(value: string): void {
  if (value.length >= 8) known.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join('****');
  }
  // Keep the prefix: it tells a reader which kind of key it was without revealing it.
  return out.replace(KEY_ID, (m, prefix: string) => (m.endsWith('EXAMPLE') ? m : `${prefix}****`));
}
