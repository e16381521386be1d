/**
 * Terminal keys: in environment mode with VS Code's persistent terminal sessions on, switching to
 * a profile asks where the keys may go. "Only in AWS Identity Terminals" leaves a new "+" terminal
 * without keys; F1 → "AWS Identity: Change Where Terminal Keys Go…" asks again, and after "Put
 * Keys in All Terminals" a new "+" terminal has them. Without that command the answer could never
 * change (the second modal would not appear).
 *
 * The e2e services keep persistent sessions off; this flow turns them on, with environment mode,
 * in the remote (machine) settings, where a code-server window reads the machine-scoped
 * `awsIdentity.terminal.credentials`, and puts both back at the end.
 */
import type { Locator } from 'playwright-core';
import { check, type E2eFlow } from './harness';
import { statusPattern, useProfile } from './steps';
import { plain } from './uiWait';
import { escapeRegExp, until, UI_TIMEOUT_MS, type Workbench } from './workbench';

const CHOOSE_KEYS_COMMAND = 'AWS Identity: Change Where Terminal Keys Go…';
const MODAL_TEXT = 'terminals need the AWS keys in their environment';
const ALL = 'Put Keys in All Terminals';
const ONLY_OURS = 'Only in AWS Identity Terminals';
/** Inserted right after the `{` on the first line of the remote settings file (JSON.stringify's), and removed again. */
const TEST_SETTINGS = ' "awsIdentity.terminal.credentials": "environment", "terminal.integrated.enablePersistentSessions": true,';

/** The editor showing the remote (machine) settings services.ts wrote: the IAM Identity Center sign-in flow is one. */
function settingsLines(wb: Workbench): Locator {
  return wb.page.locator('.part.editor .monaco-editor .view-lines').filter({ hasText: 'awsIdentity.sso.signInFlow' }).first();
}

/** Its text as on screen. */
async function editorText(wb: Workbench): Promise<string> {
  return plain(await settingsLines(wb).innerText().catch(() => ''));
}

/**
 * F1 → "Preferences: Open Remote Settings (JSON) (<remote>)" (its title ends in the remote's
 * name), then edits the first line as a person would: Home/End keys and typed (pasted) text;
 * `edit` gets the keyboard with the cursor after the first line's text. Saves (Ctrl+S) and
 * closes it.
 */
async function editRemoteSettings(wb: Workbench, edit: () => Promise<void>, expect: (text: string) => boolean, what: string): Promise<void> {
  const { page } = wb;
  await wb.closeQuickInput();
  await page.keyboard.press('F1');
  await wb.quickInput.locator('input.input').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await page.keyboard.type('Preferences: Open Remote Settings (JSON)');
  const row = wb.quickInput.getByRole('option', { name: /^Preferences: Open Remote Settings \(JSON\)/ }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
    throw new Error(`The command palette has no "Preferences: Open Remote Settings (JSON)" (rows: ${JSON.stringify(await wb.quickInputRows())}).`);
  });
  await row.click();
  await settingsLines(wb).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(async () => {
    throw new Error(`The remote settings file did not open in an editor (editor tabs: ${JSON.stringify(await page.locator('.part.editor .tab').allInnerTexts())}).`);
  });
  await settingsLines(wb).click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  await edit();
  await until(async () => (expect(await editorText(wb)) ? true : undefined), what, async () => JSON.stringify(await editorText(wb)), 10_000);
  await page.keyboard.press('Control+s');
  // It opens as a modal editor, which Escape closes (a first Escape may only close a suggestion).
  // Closing a file that is still dirty asks to save it: a dialog here means the save failed.
  for (let i = 0; i < 3 && (await settingsLines(wb).isVisible()); i++) {
    const asked = page.locator('.monaco-dialog-box');
    if (await asked.isVisible()) throw new Error(`Closing the remote settings asked: ${plain(await asked.innerText())}`);
    await page.keyboard.press('Escape');
    await settingsLines(wb).waitFor({ state: 'hidden', timeout: 3_000 }).catch(() => undefined);
  }
  if (await settingsLines(wb).isVisible()) throw new Error('The remote settings editor did not close on Escape.');
}

async function useTestSettings(wb: Workbench): Promise<void> {
  await editRemoteSettings(
    wb,
    // insertText is a paste: no auto-closed quotes, no completion accepted.
    () => wb.page.keyboard.insertText(TEST_SETTINGS),
    (text) => text.includes('"awsIdentity.terminal.credentials": "environment"') && text.includes('"terminal.integrated.enablePersistentSessions": true'),
    'the settings of this flow in the editor',
  );
}

async function restoreSettings(wb: Workbench): Promise<void> {
  await editRemoteSettings(
    wb,
    // Everything after the first line's "{" (what useTestSettings put there), selected and deleted:
    // typing "{" would add an auto-closed "}".
    async () => {
      await wb.page.keyboard.press('Home');
      await wb.page.keyboard.press('ArrowRight');
      await wb.page.keyboard.press('Shift+End');
      await wb.page.keyboard.press('Delete');
    },
    (text) => !text.includes('awsIdentity.terminal.credentials') && !text.includes('enablePersistentSessions'),
    'the settings of this flow to be gone from the editor',
  );
}

/** Waits for the keys modal; returns it with its text. */
async function keysModal(wb: Workbench, why: string): Promise<{ dialog: Locator; text: string }> {
  const dialog = wb.page.locator('.monaco-dialog-box').filter({ hasText: MODAL_TEXT }).first();
  await dialog.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(async () => {
    throw new Error(`The modal "${MODAL_TEXT}" did not appear ${why}. Toasts: ${JSON.stringify(await wb.toastTexts())}`);
  });
  return { dialog, text: plain(await dialog.innerText()).replace(/\s+/g, ' ') };
}

async function answer(dialog: Locator, button: string): Promise<void> {
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Closes every terminal, so the next one is alone and the one read ("Terminal: Kill All Terminals"). */
async function killAllTerminals(wb: Workbench): Promise<void> {
  await wb.runCommand('Terminal: Kill All Terminals');
  await until(async () => ((await wb.page.locator('.part.panel .xterm').count()) === 0 ? true : undefined), 'every terminal to close', async () => JSON.stringify(await wb.terminalTabTexts()), 15_000);
}

/**
 * A new "+" terminal (F1 → "Terminal: Create New Terminal", what the "+" button runs), alone in
 * the panel; returns what it prints for `$AWS_ACCESS_KEY_ID` and friends: lengths and the key
 * id's first four characters, never a secret.
 */
async function plusTerminalKeys(wb: Workbench, marker: string): Promise<{ keyId: number; prefix: string; secret: number; token: number }> {
  await killAllTerminals(wb);
  await wb.runCommand('Terminal: Create New Terminal');
  await wb.waitForTerminal('bash');
  await wb.typeInTerminal(`echo "${marker}=[\${#AWS_ACCESS_KEY_ID}:\${AWS_ACCESS_KEY_ID:0:4}:\${#AWS_SECRET_ACCESS_KEY}:\${#AWS_SESSION_TOKEN}]"`);
  const printed = await until(
    async () => new RegExp(`${escapeRegExp(marker)}=\\[(\\d+):(\\w*):(\\d+):(\\d+)\\]`).exec((await wb.terminalScreen()).replace(/\s+/g, '')) ?? undefined,
    `the "+" terminal to print ${marker}=[…]`,
    async () => JSON.stringify(await wb.terminalScreen()),
  );
  return { keyId: Number(printed[1]), prefix: printed[2] ?? '', secret: Number(printed[3]), token: Number(printed[4]) };
}

export const terminalKeysFlow: E2eFlow = {
  id: 'terminal-keys',
  title: 'Terminal keys: "Only in AWS Identity Terminals", then "Change Where Terminal Keys Go…" puts the keys in "+" terminals',
  timeoutMs: 300_000,
  async run(ctx) {
    const { wb, fixture } = ctx;
    // No identity while the settings change, so the question comes with the switch.
    if (!/AWS: no identity$/.test(await wb.statusText())) {
      await wb.runCommand('AWS Identity: Clear Identity');
      await wb.waitForStatus(/AWS: no identity$/);
    }
    await useTestSettings(wb);
    let passed = false;
    try {
      // 1. The switch asks; "Only in AWS Identity Terminals".
      await useProfile(wb, 'ops-admin', 'OpsAdmin', fixture.account);
      const first = await keysModal(wb, 'after switching to ops-admin in environment mode with persistent sessions on');
      check(first.text.includes(`Your choice is kept for this workspace; change it with "${CHOOSE_KEYS_COMMAND}".`), `The modal does not name the command that changes the choice: ${first.text}`);
      await ctx.shot('first-question', [first.dialog]);
      await answer(first.dialog, ONLY_OURS);
      await wb.waitForStatus(statusPattern('OpsAdmin', fixture.account));

      const without = await plusTerminalKeys(wb, 'KEYS1');
      check(without.keyId === 0 && without.secret === 0 && without.token === 0, `After "${ONLY_OURS}", a new "+" terminal has AWS keys (lengths ${without.keyId}/${without.secret}/${without.token}).`);

      // 2. The command asks again, naming the answer in force; "Put Keys in All Terminals".
      await wb.runCommand(CHOOSE_KEYS_COMMAND);
      const again = await keysModal(wb, `after "${CHOOSE_KEYS_COMMAND}"`);
      check(again.text.includes('Now: keys go only in AWS Identity terminals.'), `The modal asked again does not say what is in force: ${again.text}`);
      await ctx.shot('asked-again', [again.dialog]);
      await answer(again.dialog, ALL);
      // Shown once the terminals follow the answer: the next terminal gets it.
      await until(
        async () => ((await wb.toastTexts()).some((t) => t.includes('"+" terminals included, get the AWS keys')) ? true : undefined),
        'the notification that "+" terminals get the keys',
        async () => JSON.stringify(await wb.toastTexts()),
      );

      const withKeys = await plusTerminalKeys(wb, 'KEYS2');
      check(withKeys.keyId === 20 && withKeys.prefix === 'ASIA', `After "${ALL}", a new "+" terminal has no temporary key id (length ${withKeys.keyId}, starts "${withKeys.prefix}").`);
      check(withKeys.secret > 0 && withKeys.token > 0, `After "${ALL}", a new "+" terminal lacks the secret or the session token (lengths ${withKeys.secret}/${withKeys.token}).`);
      await ctx.shot('plus-terminal-keys', [wb.page.locator('.part.panel')]);
      passed = true;
    } finally {
      // A modal left open would take the keyboard.
      const open = wb.page.locator('.monaco-dialog-box').filter({ hasText: MODAL_TEXT });
      if (await open.isVisible().catch(() => false)) await wb.page.keyboard.press('Escape');
      await open.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
      // No terminal holding keys is left for VS Code to save, and the next run starts as services.ts set it.
      await killAllTerminals(wb).catch(() => undefined);
      // A failure to restore fails the flow, but must not hide why the flow itself failed.
      await restoreSettings(wb).catch((e: unknown) => {
        if (passed) throw e;
      });
    }
  },
};
