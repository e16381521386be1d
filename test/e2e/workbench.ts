/**
 * A driver for the VS Code workbench (code-server in Chromium) that acts like a person: it clicks
 * activity bar icons, tree rows and the status bar, presses F1 and types, hovers for tooltips, and
 * reads what is on screen (DOM text; the terminal through xterm's DOM renderer, which the runner
 * enables with `terminal.integrated.gpuAcceleration: "off"`).
 *
 * Every wait is on a condition with a bounded timeout; nothing sleeps for a fixed time. The
 * selectors are VS Code's own DOM (class names and ARIA roles of code-server 4.139 / Code 1.139);
 * when a VS Code update changes them, the failing flow's screenshot shows what changed.
 */
import type { Locator, Page } from 'playwright-core';
import { clippedScreenshot } from './screenshots';
import { parseIdentityTooltip, type TooltipIdentity } from './statusTooltip';
import { escapeRegExp, plain, until, UI_TIMEOUT_MS } from './uiWait';

export { escapeRegExp, until, UI_TIMEOUT_MS } from './uiWait';
export type { TooltipIdentity } from './statusTooltip';

export class Workbench {
  /** The status bar item's DOM id: `<publisher>.<extension name>.<item id>`. */
  private readonly statusId: string;

  constructor(
    readonly page: Page,
    extensionId: string,
  ) {
    this.statusId = `${extensionId}.awsIdentity.status`;
  }

  // --- generic parts -----------------------------------------------------------------------

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Texts of the notification toasts on screen, newest first. */
  async toastTexts(): Promise<string[]> {
    return this.visibleToasts(false);
  }

  /** The visible error toasts (the codicon next to the message says "error"). */
  async errorToastTexts(): Promise<string[]> {
    return this.visibleToasts(true);
  }

  /**
   * Read in one pass in the page: a toast that closes between a visibility check and a read of
   * its text (a finished progress notification) would leave a per-element read waiting for it.
   */
  private async visibleToasts(errorsOnly: boolean): Promise<string[]> {
    const texts = await this.page.locator('.notification-toast .notification-list-item').evaluateAll(
      (els, onlyErrors) =>
        els
          .filter((e) => e.getClientRects().length > 0 && e.checkVisibility({ visibilityProperty: true }) && (!onlyErrors || e.querySelector('.codicon-error') !== null))
          .map((e) => (e as unknown as { innerText: string }).innerText),
      errorsOnly,
    );
    return texts.map((t) => plain(t).replace(/\s+/g, ' ').trim());
  }

  /** Waits for an error toast whose text matches `pattern`; returns the toast. */
  async waitForErrorToast(pattern: RegExp): Promise<Locator> {
    const toast = this.page.locator('.notification-toast .notification-list-item').filter({ has: this.page.locator('.codicon-error') }).filter({ hasText: pattern });
    await until(async () => ((await toast.first().isVisible()) ? true : undefined), `an error notification matching ${pattern}`, async () => `toasts: ${JSON.stringify(await this.toastTexts())}`);
    return toast.first();
  }

  /** Dismisses every notification, as "Notifications: Clear All Notifications" does. */
  async clearNotifications(): Promise<void> {
    if ((await this.toastTexts()).length === 0) return;
    await this.runCommand('Notifications: Clear All Notifications');
    await until(async () => ((await this.toastTexts()).length === 0 ? true : undefined), 'the notifications to close', async () => JSON.stringify(await this.toastTexts()), 10_000);
  }

  /** Closes any open quick input (palette, picker, input box) with Escape. */
  async closeQuickInput(): Promise<void> {
    for (let i = 0; i < 5 && (await this.quickInput.isVisible()); i++) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
    }
    if (await this.quickInput.isVisible()) throw new Error('The quick input did not close on Escape.');
  }

  /** Moves the mouse to an empty spot (the editor area) so hovers close. */
  async moveMouseAway(): Promise<void> {
    const box = await this.page.locator('.part.editor').boundingBox();
    await this.page.mouse.move(box ? box.x + box.width / 2 : 700, box ? box.y + box.height / 2 : 300);
  }

  /**
   * Runs a command like a person: F1, type its title, click the row with exactly that title
   * (a prefix is not enough: "Assume Role…" must not pick "Assume Role with Options…").
   */
  async runCommand(title: string): Promise<void> {
    const input = this.quickInput.locator('input.input');
    const row = this.quickInput.getByRole('option', { name: new RegExp(`^${escapeRegExp(title)}(,|$)`) }).first();
    for (let attempt = 1; ; attempt++) {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      // F1 opens the palette with ">" typed; keep it and type the title after it.
      await until(async () => ((await input.inputValue()).startsWith('>') ? true : undefined), 'the command palette', async () => `input: ${await input.inputValue()}`, 10_000);
      await this.page.keyboard.type(title);
      const lost = async (): Promise<boolean> => !(await this.quickInput.isVisible()) || (await input.inputValue().catch(() => '')) !== `>${title}`;
      const outcome = await until(async () => ((await row.isVisible()) ? 'found' : (await lost()) ? 'lost' : undefined), `the row "${title}"`, async () => '', 15_000).catch(() => 'none');
      if (outcome === 'found') return row.click();
      const rows = await this.quickInput.getByRole('option').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
      const focus = await this.page.locator(':focus').evaluateAll((els) => els.map((e) => `${e.tagName.toLowerCase()}.${e.className}`).join(' '));
      const seen = `palette ${(await this.quickInput.isVisible()) ? 'open' : 'closed'}, input ${JSON.stringify(await input.inputValue().catch(() => ''))}, rows ${JSON.stringify(rows)}, focus on ${focus}`;
      // Just after a window load the workbench may still move the focus as it restores its parts,
      // which closes the palette under the typing: a person presses F1 again (once).
      if (outcome === 'lost' && attempt === 1) {
        console.log(`[e2e] the palette lost "${title}" (${seen}); F1 again`);
        continue;
      }
      throw new Error(`The command palette has no command "${title}" (${seen}).`);
    }
  }

  /** Waits for a quick input (picker or input box) with this title. */
  async waitForQuickInput(title: string | RegExp): Promise<Locator> {
    const titled = this.quickInput.locator('.quick-input-title').filter({ hasText: title });
    await until(async () => ((await titled.isVisible()) ? true : undefined), `a quick input titled ${String(title)}`, async () => {
      const visible = await this.quickInput.isVisible();
      return visible ? `quick input "${await this.quickInput.locator('.quick-input-title').innerText()}"; toasts: ${JSON.stringify(await this.toastTexts())}` : `no quick input; toasts: ${JSON.stringify(await this.toastTexts())}`;
    });
    return this.quickInput;
  }

  /** The rows of the open quick input, as their accessible names (what a screen reader reads). */
  async quickInputRows(): Promise<string[]> {
    const names = await this.quickInput.getByRole('option').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    return names.map(plain);
  }

  /** The validation message under a quick input box ("Enter the 6 digits…"). */
  quickInputMessage(): Locator {
    return this.quickInput.locator('.quick-input-message');
  }

  /**
   * Drags the vertical sash found at `edgeX` (within the vertical extent of `area`) to `toX`, as
   * a person resizes a part. Returns false when there is no sash there.
   */
  async dragVerticalSash(edgeX: number, area: { y: number; height: number }, toX: number): Promise<boolean> {
    for (const sash of await this.page.locator('.monaco-sash.vertical').all()) {
      const s = await sash.boundingBox();
      if (!s || Math.abs(s.x + s.width / 2 - edgeX) > 4) continue;
      const y = Math.max(s.y, area.y) + Math.min(s.height, area.height) / 2;
      if (y < s.y || y > s.y + s.height) continue;
      await this.page.mouse.move(s.x + s.width / 2, y);
      await this.page.mouse.down();
      await this.page.mouse.move(toX, y, { steps: 8 });
      await this.page.mouse.up();
      return true;
    }
    return false;
  }

  // --- the extension's view ----------------------------------------------------------------

  activityBarItem(): Locator {
    return this.page.locator('.part.activitybar [aria-label="AWS Identity"]').first();
  }

  /** The "Profiles" view's pane (its tree). */
  profilesPane(): Locator {
    return this.page.locator('.part.sidebar .pane').filter({ has: this.page.locator('.pane-header', { hasText: /Profiles/i }) }).first();
  }

  /** Opens the AWS Identity container from the activity bar (if it is not open) and waits for the tree. */
  async openProfilesView(): Promise<void> {
    const title = this.page.locator('.part.sidebar .composite.title', { hasText: 'AWS Identity' });
    if (!(await title.isVisible())) {
      await this.activityBarItem().waitFor({ state: 'visible', timeout: 60_000 });
      await this.activityBarItem().click();
    }
    await title.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await this.page.locator('.part.sidebar').getByRole('treeitem').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  }

  /** The tree row of a profile: its accessible name is "<profile>, <description>". */
  treeRow(profile: string): Locator {
    return this.page.locator('.part.sidebar').getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(profile)}, `) });
  }

  /**
   * Waits until a profile's row reads `pattern` (accessible name "<profile>, <description>"): the
   * tree refreshes on its own after the status bar changed.
   */
  async waitForTreeRow(profile: string, pattern: RegExp): Promise<string> {
    const row = this.treeRow(profile);
    return until(
      async () => {
        const label = plain((await row.getAttribute('aria-label').catch(() => null)) ?? '');
        return pattern.test(label) ? label : undefined;
      },
      `the ${profile} row to read ${pattern}`,
      async () => `rows: ${JSON.stringify(await this.treeRows())}`,
      10_000,
    );
  }

  /** Every row of the Profiles tree as the screen reader reads it. */
  async treeRows(): Promise<string[]> {
    return (await this.page.locator('.part.sidebar').getByRole('treeitem').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).map(plain);
  }

  /** Clicks a profile's row (which runs "use this profile"). */
  async clickProfile(profile: string): Promise<void> {
    await this.openProfilesView();
    const row = this.treeRow(profile);
    await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    // Click the label, not the row's middle: the inline actions sit at the right end.
    await row.locator('.label-name').first().click();
  }

  // --- status bar ----------------------------------------------------------------------------

  statusItem(): Locator {
    return this.page.locator(`[id="${this.statusId}"]`);
  }

  async statusText(): Promise<string> {
    return plain(await this.statusItem().innerText()).trim();
  }

  /** Whether the item has the error background (VS Code marks it with the `error-kind` class). */
  async statusHasErrorBackground(): Promise<boolean> {
    return ((await this.statusItem().getAttribute('class')) ?? '').split(/\s+/).includes('error-kind');
  }

  /**
   * Waits until the status bar shows `expected`. An error notification that appears meanwhile
   * ends the wait at once with its text (a switch that failed will not succeed by waiting).
   */
  async waitForStatus(expected: RegExp, options: { failOnError?: boolean } = {}): Promise<string> {
    const failOnError = options.failOnError ?? true;
    return until(
      async () => {
        const text = await this.statusText().catch(() => '');
        if (expected.test(text) && !/\$\(sync|…$/.test(text)) return text;
        if (failOnError) {
          const errors = await this.errorToastTexts();
          if (errors.length > 0) throw new Error(`An error notification appeared while waiting for the status bar to show ${expected}: ${errors.join(' | ')} (status bar: "${text}")`);
        }
        return undefined;
      },
      `the status bar to show ${expected}`,
      async () => `status bar "${await this.statusText()}"; toasts: ${JSON.stringify(await this.toastTexts())}`,
    );
  }

  /** Hovers the status bar item and returns its tooltip (left open; `moveMouseAway()` closes it). */
  async hoverStatus(mustContain: string | RegExp): Promise<{ hover: Locator; text: string }> {
    await this.moveMouseAway();
    await this.statusItem().hover();
    const hover = this.page.locator('.monaco-hover').filter({ hasText: mustContain }).first();
    await until(async () => ((await hover.isVisible()) ? true : undefined), `the status bar tooltip containing ${String(mustContain)}`, async () => {
      const any = await this.page.locator('.monaco-hover').allInnerTexts();
      return `hovers: ${JSON.stringify(any.map(plain))}`;
    });
    return { hover, text: plain(await hover.innerText()) };
  }

  /** Hovers the status bar and reads the active identity from its tooltip; closes the tooltip again. */
  async identityFromStatusTooltip(): Promise<TooltipIdentity> {
    const { hover, text } = await this.hoverStatus('ARN:');
    await this.moveMouseAway();
    await hover.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
    return parseIdentityTooltip(text);
  }

  // --- terminals -----------------------------------------------------------------------------

  /** The rows xterm's DOM renderer draws for the active terminal. */
  private activeTerminalRows(): Locator {
    return this.page.locator('.part.panel .terminal-wrapper.active .xterm-rows').first();
  }

  /** What the active terminal shows, row by row. */
  async terminalScreen(): Promise<string> {
    return plain(await this.activeTerminalRows().innerText());
  }

  /** The spans of the active terminal's rows whose text matches, each as wide as its text (for a tight picture). */
  terminalSpans(text: RegExp): Locator {
    return this.activeTerminalRows().locator('span').filter({ hasText: text });
  }

  /** The entries naming terminals in the panel: the tab list, or the single tab when there is one. */
  private terminalTabs(): Locator {
    return this.page.locator('.part.panel').locator('.terminal-tabs-entry, .single-terminal-tab');
  }

  terminalTab(name: string): Locator {
    return this.terminalTabs().filter({ hasText: name }).first();
  }

  async terminalTabTexts(): Promise<string[]> {
    return (await this.terminalTabs().allInnerTexts()).map(plain);
  }

  /** Waits until a terminal with this name is shown and its shell prompt is on screen. */
  async waitForTerminal(name: string): Promise<void> {
    await until(async () => ((await this.terminalTab(name).isVisible()) ? true : undefined), `a terminal named "${name}"`, async () => {
      const tabs = await this.page.locator('.part.panel').locator('.terminal-tabs-entry, .single-terminal-tab').allInnerTexts();
      return `terminal tabs: ${JSON.stringify(tabs.map(plain))}; toasts: ${JSON.stringify(await this.toastTexts())}`;
    });
    await this.waitForPrompt();
  }

  /** Waits for the shell prompt (the last non-empty row ends in `$` or `#`). */
  async waitForPrompt(): Promise<void> {
    await until(
      async () => {
        const rows = (await this.terminalScreen().catch(() => '')).split('\n').map((r) => r.trimEnd()).filter(Boolean);
        return /[#$]$/.test(rows[rows.length - 1] ?? '') ? true : undefined;
      },
      'the shell prompt in the terminal',
      async () => JSON.stringify(await this.terminalScreen()),
    );
  }

  /** Makes the terminal with this name the visible one by clicking its entry in the tab list. */
  async selectTerminal(name: string): Promise<void> {
    const row = this.page.locator('.part.panel .monaco-list-row').filter({ has: this.page.locator('.terminal-tabs-entry') }).filter({ hasText: name }).first();
    await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(async () => {
      const tabs = await this.page.locator('.part.panel .terminal-tabs-entry').evaluateAll((els) => els.map((e) => `${e.parentElement?.className ?? ''} > ${e.className}: ${e.textContent ?? ''}`));
      throw new Error(`No tab for terminal "${name}" in the tab list (entries: ${JSON.stringify(tabs)}).`);
    });
    // The entry's left end is its icon; the right end holds inline actions (Split, Kill).
    const box = await row.boundingBox();
    if (!box) throw new Error(`The tab of terminal "${name}" has no position on screen.`);
    await this.page.mouse.click(box.x + Math.min(16, box.width / 4), box.y + box.height / 2);
    await until(
      async () => ((await row.getAttribute('aria-selected')) === 'true' ? true : undefined),
      `terminal "${name}" to be selected`,
      async () => `tab row aria-selected=${await row.getAttribute('aria-selected')} class="${await row.getAttribute('class')}"`,
      10_000,
    );
  }

  /** Widens the terminal tab list (drags its sash) so whole terminal names show. */
  async widenTerminalTabs(width: number): Promise<void> {
    const list = this.page.locator('.part.panel .monaco-list').filter({ has: this.page.locator('.terminal-tabs-entry') }).first();
    const box = await list.boundingBox();
    if (!box || box.width >= width) return;
    if (!(await this.dragVerticalSash(box.x, box, box.x + box.width - width))) throw new Error(`No sash at the terminal tab list's left edge (x=${box.x}).`);
    await until(async () => (((await list.boundingBox())?.width ?? 0) >= width - 10 ? true : undefined), `the terminal tab list to be ${width} px wide`, async () => JSON.stringify(await list.boundingBox()), 10_000);
  }

  /** Clicks into the active terminal and types a command line, then Enter. */
  async typeInTerminal(commandLine: string): Promise<void> {
    await this.waitForPrompt();
    await this.page.locator('.part.panel .terminal-wrapper.active .xterm-screen').first().click();
    await this.page.keyboard.type(commandLine);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Runs `aws sts get-caller-identity` in the active terminal and returns the ARN the CLI printed
   * (after `clear` when an earlier answer is on screen, so the answer read is this command's).
   * Waits for the prompt to come back. Fails with the screen's text when the CLI reports an error.
   */
  async callerArnInTerminal(): Promise<string> {
    if (/"Arn"/.test(await this.terminalScreen())) {
      await this.typeInTerminal('clear');
      await until(async () => (/"Arn"/.test(await this.terminalScreen()) ? undefined : true), 'the terminal to clear', async () => JSON.stringify(await this.terminalScreen()), 10_000);
    }
    await this.typeInTerminal('aws sts get-caller-identity');
    const arn = await until(
      async () => {
        const screen = await this.terminalScreen();
        // [^"] spans rows: a narrow terminal wraps the ARN, which has no spaces or quotes of its own.
        const printed = /"Arn": "(arn:[^"]+)"/.exec(screen)?.[1];
        if (printed) return printed.replace(/\s+/g, '');
        const failure = /(Unable to locate credentials[^\n]*|An error occurred[^\n]*|Could not connect[^\n]*|command not found[^\n]*|Error when retrieving credentials[^\n]*)/.exec(screen);
        if (failure) throw new Error(`aws sts get-caller-identity failed in the terminal: ${failure[1]}\nScreen:\n${screen}`);
        return undefined;
      },
      'aws sts get-caller-identity to print an Arn',
      async () => JSON.stringify(await this.terminalScreen()),
      60_000,
    );
    await this.waitForPrompt();
    return arn;
  }

  // --- screenshots ---------------------------------------------------------------------------

  /**
   * Saves a PNG of the page clipped to the union of `regions` (plus `padding`), or of the whole
   * page when none is given. Returns the file.
   */
  async screenshot(file: string, regions: Locator[] = [], padding = 8): Promise<string> {
    return clippedScreenshot(this.page, file, regions, padding);
  }
}
