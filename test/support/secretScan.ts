/**
 * Proof that no credential leaks to disk: every access key ID, secret key and session token the
 * STS issues during a run is recorded (from STS's own answers, through the FaultProxy in front of
 * moto), and afterwards every file VS Code and the extension wrote is searched for them, byte for
 * byte — state databases (SQLite) and logs included, since they are searched as raw bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FaultProxy } from './faultProxy';

export type SecretKind = 'AccessKeyId' | 'SecretAccessKey' | 'SessionToken';

/** Collects the credentials STS hands out in a run. */
export class IssuedSecrets {
  private readonly secrets = new Map<string, SecretKind>();

  /** Records credentials from every AssumeRole / GetSessionToken / ... answer that passes `proxy`. */
  static recordFrom(proxy: FaultProxy): IssuedSecrets {
    const issued = new IssuedSecrets();
    proxy.onUpstreamResponse((_action, body) => issued.addFromStsXml(body));
    return issued;
  }

  addFromStsXml(xml: string): void {
    for (const kind of ['AccessKeyId', 'SecretAccessKey', 'SessionToken'] as const) {
      for (const m of xml.matchAll(new RegExp(`<${kind}>([^<]{8,})</${kind}>`, 'g'))) {
        if (m[1]) this.secrets.set(m[1], kind);
      }
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  entries(): [string, SecretKind][] {
    return [...this.secrets.entries()];
  }
}

export interface SecretHit {
  readonly file: string;
  readonly kind: SecretKind;
  /** The first characters only: enough to find it, not enough to use it. */
  readonly preview: string;
}

export interface ScanResult {
  readonly filesScanned: number;
  readonly bytesScanned: number;
  readonly hits: SecretHit[];
}

/** Every regular file under `dir`, recursively; none when it does not exist. */
export function* walk(dir: string): Generator<string> {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a folder removed while scanning, or never created
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(full);
    else if (e.isFile()) yield full; // symlinks, sockets and FIFOs are not files anything wrote
  }
}

/** Searches every regular file under `roots` for every issued secret (as UTF-8 and UTF-16LE bytes). */
export function scanForSecrets(roots: readonly string[], issued: IssuedSecrets, options: { exclude?: (file: string) => boolean } = {}): ScanResult {
  const needles = issued.entries().flatMap(([value, kind]) => [
    { kind, value, bytes: Buffer.from(value, 'utf8') },
    { kind, value, bytes: Buffer.from(value, 'utf16le') },
  ]);
  const hits: SecretHit[] = [];
  let filesScanned = 0;
  let bytesScanned = 0;
  const seen = new Set<string>();
  for (const root of roots) {
    for (const file of walk(root)) {
      if (seen.has(file) || options.exclude?.(file)) continue;
      seen.add(file);
      let content: Buffer;
      try {
        content = fs.readFileSync(file);
      } catch {
        continue; // vanished between listing and reading
      }
      filesScanned++;
      bytesScanned += content.length;
      for (const n of needles) {
        if (content.includes(n.bytes)) hits.push({ file, kind: n.kind, preview: `${n.value.slice(0, 4)}…` });
      }
    }
  }
  return { filesScanned, bytesScanned, hits };
}

/** The line the test runs print, and the verdict. */
export function reportScan(result: ScanResult, issued: IssuedSecrets, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): boolean {
  if (issued.size === 0) {
    log('secrets scan: FAILED - the STS issued no credentials in this run, so the scan would prove nothing');
    return false;
  }
  for (const h of result.hits) log(`secrets scan: ${h.kind} ${h.preview} found in ${h.file}`);
  log(`secrets found: ${result.hits.length} in ${result.filesScanned} files scanned (${issued.size} issued secrets, ${(result.bytesScanned / 1048576).toFixed(1)} MiB)`);
  return result.hits.length === 0;
}

/**
 * The end of a test run: searches everything under `roots` except the AWS files the run gave
 * VS Code as input, prints the verdict lines (the extension's output channel log separately),
 * and returns whether nothing leaked.
 */
export function scanRun(roots: readonly string[], issued: IssuedSecrets, inputs: readonly string[], log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): boolean {
  const skip = new Set(inputs.map((f) => path.resolve(f)));
  const result = scanForSecrets(roots, issued, { exclude: (f) => skip.has(path.resolve(f)) });
  const channelLogs = [...new Set(roots.flatMap((r) => [...walk(r)]))].filter((f) => /AWS Identity\.log$/.test(f));
  if (channelLogs.length === 0) {
    log('secrets scan: FAILED - the extension\'s output channel log ("AWS Identity.log") was not found, so it could not be checked');
    return false;
  }
  for (const f of channelLogs) {
    const hits = result.hits.filter((h) => h.file === f).length;
    log(`secrets scan: output channel ${path.basename(f)} (${fs.statSync(f).size} bytes): ${hits} secrets`);
  }
  return reportScan(result, issued, log);
}
