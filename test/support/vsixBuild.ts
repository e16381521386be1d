/**
 * The packages a run of the end-to-end flows installs into code-server: the extension's own .vsix
 * (built with `npm run package` when it is missing or older than its sources) and the fixture
 * extension that uses the API (test/fixtures/api-consumer).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The newest modification time of the files a .vsix is built from. */
function newestSource(root: string): number {
  let newest = 0;
  const visit = (p: string): void => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  // media/screenshots is what the e2e runner writes: not a reason to rebuild.
  for (const p of ['src', 'package.json', 'esbuild.mjs', '.vscodeignore', 'media/icon.png', 'media/aws-identity.svg', 'README.md', 'CHANGELOG.md', 'LICENSE']) visit(path.join(root, p));
  return newest;
}

/**
 * The .vsix to test: `options.vsix` when given, or dist-vsix/aws-identity-switcher.vsix (re)built
 * with `npm run package` when `options.rebuild` is set or the package is missing or stale.
 */
export function ensureVsix(root: string, options: { vsix?: string; rebuild: boolean }, say: (line: string) => void): string {
  if (options.vsix) return options.vsix;
  const vsix = path.join(root, 'dist-vsix', 'aws-identity-switcher.vsix');
  const stale = !fs.existsSync(vsix) || fs.statSync(vsix).mtimeMs < newestSource(root);
  if (options.rebuild || stale) {
    say(`${options.rebuild ? 'rebuilding' : fs.existsSync(vsix) ? 'the .vsix is older than its sources; rebuilding' : 'building'} ${path.relative(root, vsix)} (npm run package)`);
    const t = Date.now();
    const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], timeout: 5 * 60_000 });
    if (result.status !== 0 || !fs.existsSync(vsix)) {
      throw new Error(`npm run package failed (status ${String(result.status)}${result.error ? `, ${result.error.message}` : ''}); see its output above.`);
    }
    say(`built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } else say(`using ${path.relative(root, vsix)} (up to date with src/; --rebuild forces a build)`);
  return vsix;
}

/** Packages test/fixtures/api-consumer (another extension using the API, see test/e2e/apiConsent.ts) into `dir`. */
export function packageApiConsumer(root: string, dir: string): string {
  const out = path.join(dir, 'ais-api-consumer.vsix');
  const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
  const args = ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out];
  const result = spawnSync(vsce, args, { cwd: path.join(root, 'test', 'fixtures', 'api-consumer'), encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0 || !fs.existsSync(out)) throw new Error(`Packaging test/fixtures/api-consumer failed (status ${String(result.status)}): ${result.stdout}${result.stderr}`);
  return out;
}
