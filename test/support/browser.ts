/**
 * Headless Debian Chromium driven by playwright-core: the browser half of code-server.
 * Never `npx playwright install` (it downloads a browser; this machine cannot).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { chromium, Browser, BrowserContext } from 'playwright-core';

/** The flags that let Chromium run headless, as root, offline, without first-run noise. */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `$CHROMIUM` if set, else what `command -v chromium` (or chromium-browser) finds; fails with the install hint. */
export function chromiumExecutable(): string {
  const fromEnv = process.env.CHROMIUM;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`CHROMIUM=${fromEnv} does not exist.`);
    return fromEnv;
  }
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // not this name
    }
  }
  throw new Error('Chromium was not found on PATH. Install it with: bash scripts/install-test-tools.sh (apt-get install chromium), or set CHROMIUM to its path.');
}

/** Launches Chromium headless (set `headless: false` with a display to watch). */
export async function launchChromium(options: { headless?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumExecutable(),
    headless: options.headless ?? true,
    args: [...chromiumArgs],
    timeout: 60_000,
    // The runners handle signals themselves, closing the browser as part of their cleanup.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

/**
 * Launches Chromium with its profile in `userDataDir`. In code-server the workbench keeps its
 * state (extension globalState/workspaceState, UI state) in the BROWSER's IndexedDB, so runs
 * that prove no secret reaches disk must own the profile and scan it after `close()` flushes it.
 */
export async function launchChromiumWithProfile(userDataDir: string, options: { headless?: boolean; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumExecutable(),
    headless: options.headless ?? true,
    args: [...chromiumArgs],
    timeout: 60_000,
    viewport: options.viewport ?? { width: 1400, height: 900 },
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}
