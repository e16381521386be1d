/**
 * A channel through which integration tests (inside the extension host, with no keyboard or
 * mouse) ask the runner (which holds the workbench page in Playwright) to act as the user:
 * answer a modal dialog, or type into whatever has focus. One request at a time, as files:
 * the test writes $AIS_TEST_UI_REQUEST_FILE, the runner does it and writes `<file>.done`.
 *
 * Used where VS Code offers no supported way around a person, e.g. its sign-in consent modal.
 */
import * as fs from 'node:fs';
import type { Page } from 'playwright-core';

export type UiRequest =
  /** Wait for a modal dialog whose text contains `contains`, then click `button`. */
  | { readonly id: string; readonly action: 'dialog'; readonly contains: string; readonly button: string }
  /** Once `whenVisible` (a CSS selector, e.g. the quick input) is visible, type `text` into its input (else where the focus is); then press `press` if given. */
  | { readonly id: string; readonly action: 'type'; readonly text: string; readonly press?: string; readonly whenVisible?: string }
  /** Once the notification center (the test opens it: `notifications.showList`) lists one containing `contains`, read every one it lists (detail: a JSON array of their texts). */
  | { readonly id: string; readonly action: 'notifications'; readonly contains: string };

export interface UiResult {
  readonly id: string;
  readonly ok: boolean;
  /** On success for `dialog`: the dialog's whole text; for `notifications`: their texts (JSON). On failure: why. */
  readonly detail: string;
}

const doneFile = (file: string): string => `${file}.done`;

/** Runner side: carries out a pending request, if any (call it from the polling loop). */
export async function serveUiRequest(page: Page, file: string, timeoutMs = 20_000): Promise<void> {
  let request: UiRequest;
  try {
    request = JSON.parse(fs.readFileSync(file, 'utf8')) as UiRequest;
  } catch {
    return;
  }
  fs.rmSync(file, { force: true });
  let result: UiResult;
  try {
    if (request.action === 'dialog') {
      const dialog = page.locator('.monaco-dialog-box').filter({ hasText: request.contains }).first();
      await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
      const text = (await dialog.innerText()).replace(/\s+/g, ' ').trim();
      await dialog.getByRole('button', { name: request.button, exact: true }).click({ timeout: timeoutMs });
      await dialog.waitFor({ state: 'hidden', timeout: timeoutMs });
      result = { id: request.id, ok: true, detail: text };
    } else if (request.action === 'notifications') {
      // Not the toasts: the workbench shows none while its smoke-test driver (which the tests
      // need) is on. The notification center lists them all. A tab in front of the workbench
      // (a sign-in page the extension opened) keeps it from drawing: look at the window first.
      await page.bringToFront();
      const items = page.locator('.notifications-center .monaco-list-row');
      await items.filter({ hasText: request.contains }).first().waitFor({ state: 'visible', timeout: timeoutMs });
      const texts = (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      result = { id: request.id, ok: true, detail: JSON.stringify(texts) };
    } else {
      if (request.whenVisible) {
        const target = page.locator(request.whenVisible).first();
        await target.waitFor({ state: 'visible', timeout: timeoutMs });
        // A picker that stays open when it loses the focus (ignoreFocusOut) may have lost it to a
        // terminal shown a moment earlier, which would then take the keys: focus its input first,
        // as a person clicks into it.
        const input = target.locator('input').first();
        if ((await input.count()) > 0) await input.focus();
      }
      await page.keyboard.type(request.text, { delay: 5 });
      if (request.press) await page.keyboard.press(request.press);
      result = { id: request.id, ok: true, detail: '' };
    }
  } catch (e) {
    // What was on screen instead, for the failure message.
    const dialogs = await page.locator('.monaco-dialog-box, [role="dialog"], .notification-toast').allInnerTexts().catch(() => []);
    result = { id: request.id, ok: false, detail: `${e instanceof Error ? e.message : String(e)}\nOn screen: ${JSON.stringify(dialogs.map((t) => t.replace(/\s+/g, ' ').slice(0, 300)))}` };
  }
  fs.writeFileSync(`${doneFile(file)}.tmp`, JSON.stringify(result));
  fs.renameSync(`${doneFile(file)}.tmp`, doneFile(file));
}

/**
 * A `whenVisible` selector (Playwright's CSS) for the quick input while it shows the picker whose
 * title contains `title`. A bare `.quick-input-widget` also matches the picker of the step
 * before while it closes, and the key press then goes to that one.
 */
export function pickerTitled(title: string): string {
  return `.quick-input-widget:has(.quick-input-title:has-text(${JSON.stringify(title)}))`;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

let counter = 0;

/**
 * Test side: asks the runner to act and resolves with its result. Start it BEFORE the call that
 * opens the dialog (which blocks until the dialog is answered); await both.
 */
export async function askUser(request: DistributiveOmit<UiRequest, 'id'>, timeoutMs = 30_000): Promise<UiResult> {
  const file = process.env.AIS_TEST_UI_REQUEST_FILE;
  if (!file) throw new Error('AIS_TEST_UI_REQUEST_FILE is not set: run the integration tests through test/runIntegration.ts, which plays the user.');
  const id = `${process.pid}-${++counter}`;
  fs.rmSync(doneFile(file), { force: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ ...request, id }));
  fs.renameSync(`${file}.tmp`, file);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const result = JSON.parse(fs.readFileSync(doneFile(file), 'utf8')) as UiResult;
      if (result.id === id) {
        fs.rmSync(doneFile(file), { force: true });
        if (!result.ok) throw new Error(`The runner could not act as the user (${request.action}): ${result.detail}`);
        return result;
      }
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('The runner')) throw e;
    }
    if (Date.now() > deadline) throw new Error(`The runner did not carry out the ${request.action} request within ${timeoutMs} ms (is test/runIntegration.ts serving $AIS_TEST_UI_REQUEST_FILE?).`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
