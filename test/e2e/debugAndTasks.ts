/**
 * Debugging and tasks: with the OpsAdmin role active, Run and Debug → the green button starts
 * "Who am I (JS SDK)" (the workspace's .vscode/launch.json: callerArn.js with the JS SDK v3 and no
 * AWS settings of its own), and the Debug Console shows the role's ARN; then F1 → "Tasks: Run
 * Task" → "Who am I (aws sts get-caller-identity)" (a shell task in .vscode/tasks.json), and the
 * task's terminal shows it too. Both are compared with the ARN in the status bar tooltip.
 */
import type { Locator } from 'playwright-core';
import { check, type E2eFlow } from './harness';
import { useOpsAdmin } from './steps';
import { plain } from './uiWait';
import { escapeRegExp, until, type Workbench } from './workbench';

const LAUNCH_NAME = 'Who am I (JS SDK)';
const TASK_LABEL = 'Who am I (aws sts get-caller-identity)';
const RUN_TASK_COMMAND = 'Tasks: Run Task';

/** The Debug Console's rows as they read on screen. */
async function debugConsoleText(wb: Workbench): Promise<string> {
  return plain((await wb.page.locator('.part.panel .repl .monaco-list-row').allInnerTexts().catch(() => [])).join('\n'));
}

/** A modal dialog on screen (js-debug reports a launch it cannot start in one), or ''. */
async function dialogText(wb: Workbench): Promise<string> {
  const dialog = wb.page.locator('.monaco-dialog-box').first();
  return (await dialog.isVisible().catch(() => false)) ? plain(await dialog.innerText()).replace(/\s+/g, ' ').trim() : '';
}

/** Opens Run and Debug from the activity bar (unless it is open) and checks the launch configuration it offers. */
async function openRunAndDebug(wb: Workbench): Promise<Locator> {
  const title = wb.page.locator('.part.sidebar .composite.title', { hasText: /Run and Debug/i });
  if (!(await title.isVisible())) await wb.page.locator('.part.activitybar [aria-label^="Run and Debug"]').first().click();
  await title.waitFor({ state: 'visible' });
  const toolbar = wb.page.locator('.part.sidebar .start-debug-action-item').first();
  await toolbar.waitFor({ state: 'visible' }).catch(async () => {
    throw new Error(`Run and Debug shows no launch configuration to start (did the workspace's .vscode/launch.json load?); the view reads ${JSON.stringify(plain(await wb.page.locator('.part.sidebar').innerText()).slice(0, 400))}`);
  });
  // The configuration picker's label names the configuration F5 and the green button start.
  const selected = plain((await toolbar.locator('.start-debug-action-item-label').first().textContent().catch(() => null)) ?? '').trim();
  check(selected === LAUNCH_NAME, `Run and Debug offers "${selected}", not "${LAUNCH_NAME}" from the workspace's launch.json.`);
  return toolbar;
}

/** Waits until the Debug Console prints "Caller ARN: …" and returns the ARN; a launch error ends the wait at once. */
async function callerArnInDebugConsole(wb: Workbench): Promise<string> {
  return until(
    async () => {
      const text = await debugConsoleText(wb);
      const printed = [...text.matchAll(/Caller ARN: (\S+)/g)].pop()?.[1];
      if (printed?.startsWith('error')) throw new Error(`The debugged program could not ask STS who it is: ${/Caller ARN: error[^\n]*/.exec(text)?.[0] ?? ''}`);
      if (printed) return printed;
      const crash = /(Cannot find module[^\n]*|Uncaught[^\n]*|Process exited with code [1-9][^\n]*)/.exec(text);
      if (crash) throw new Error(`The debug launch failed: ${crash[1]}\nDebug Console:\n${text}`);
      const problem = (await dialogText(wb)) || (await wb.errorToastTexts()).join(' | ');
      if (problem) throw new Error(`Starting "${LAUNCH_NAME}" failed: ${problem}`);
      return undefined;
    },
    `the Debug Console to show "Caller ARN: …" from "${LAUNCH_NAME}"`,
    async () => `Debug Console ${JSON.stringify(await debugConsoleText(wb))}; toasts: ${JSON.stringify(await wb.toastTexts())}`,
    60_000,
  );
}

/** F1 → "Tasks: Run Task", types the task's label and clicks its row. */
async function runTask(wb: Workbench, label: string): Promise<void> {
  await wb.runCommand(RUN_TASK_COMMAND);
  await wb.quickInput.locator('input.input').waitFor({ state: 'visible' });
  await wb.page.keyboard.type(label);
  const row = wb.quickInput.getByRole('option', { name: new RegExp(`^${escapeRegExp(label)}`) }).first();
  await row.waitFor({ state: 'visible' }).catch(async () => {
    throw new Error(`"${RUN_TASK_COMMAND}" offers no task "${label}" (rows: ${JSON.stringify(await wb.quickInputRows())}); is it in the workspace's .vscode/tasks.json?`);
  });
  await row.click();
}

/** Waits until the task's terminal printed the CLI's answer and the task ended; returns the ARN in it. */
async function callerArnInTaskTerminal(wb: Workbench, label: string): Promise<string> {
  await until(
    async () => ((await wb.terminalTab(label).isVisible()) ? true : undefined),
    `a terminal for the task "${label}"`,
    async () => `terminal tabs: ${JSON.stringify(await wb.terminalTabTexts())}; toasts: ${JSON.stringify(await wb.toastTexts())}`,
  );
  return until(
    async () => {
      const screen = await wb.terminalScreen().catch(() => '');
      if (!screen.includes(`Executing task: aws sts get-caller-identity`)) return undefined;
      const failure = /(terminated with exit code[^\n]*|Unable to locate credentials[^\n]*|An error occurred[^\n]*|Could not connect[^\n]*|command not found[^\n]*)/.exec(screen);
      if (failure) throw new Error(`The task "${label}" failed: ${failure[1]}\nScreen:\n${screen}`);
      // [^"] spans rows: a narrow terminal wraps the ARN, which has no spaces or quotes of its own.
      const printed = /"Arn": "(arn:[^"]+)"/.exec(screen)?.[1];
      // The task is over when VS Code offers to reuse its terminal.
      return printed && /Terminal will be reused by tasks/.test(screen) ? printed.replace(/\s+/g, '') : undefined;
    },
    `the task "${label}" to print an Arn and end`,
    async () => JSON.stringify(await wb.terminalScreen()),
    60_000,
  );
}

export const debugAndTasksFlow: E2eFlow = {
  id: 'debug-and-tasks',
  title: 'Debugging and tasks: Run and Debug prints the role ARN in the Debug Console; Run Task runs aws sts get-caller-identity',
  timeoutMs: 240_000,
  async run(ctx) {
    const { wb } = ctx;
    const identity = await useOpsAdmin(ctx);

    // Run and Debug → the green button: js-debug runs the program, its output goes to the Debug Console.
    const toolbar = await openRunAndDebug(wb);
    await toolbar.getByRole('button', { name: /^Start Debugging/ }).click();
    const debugArn = await callerArnInDebugConsole(wb);
    check(debugArn === identity.arn, `The debugged program printed ${debugArn}; the status bar shows ${identity.arn}.`);
    // The program ends by itself: the debug toolbar goes away (and the status bar loses its debugging colour).
    const debugToolbar = wb.page.locator('.debug-toolbar');
    await until(async () => ((await debugToolbar.isVisible()) ? undefined : true), 'the debug session to end', async () => `Debug Console ${JSON.stringify(await debugConsoleText(wb))}`);
    check((await wb.errorToastTexts()).length === 0, `An error notification appeared during the debug launch: ${JSON.stringify(await wb.errorToastTexts())}`);
    const arnRow = wb.page.locator('.part.panel .repl .monaco-list-row .value').filter({ hasText: 'Caller ARN:' }).last();
    await ctx.shot('debug-console', [wb.page.locator('.part.panel .composite-bar').first(), arnRow, wb.statusItem()], 'debug-console-arn.png');

    // F1 → Tasks: Run Task → the shell task; it runs in a terminal of its own.
    await runTask(wb, TASK_LABEL);
    const taskArn = await callerArnInTaskTerminal(wb, TASK_LABEL);
    check(taskArn === identity.arn, `The task "${TASK_LABEL}" printed ${taskArn}; the status bar shows ${identity.arn}.`);
    check((await wb.errorToastTexts()).length === 0, `An error notification appeared while the task ran: ${JSON.stringify(await wb.errorToastTexts())}`);
    const taskLines = wb.terminalSpans(/Executing task|"Arn"|reused by tasks/);
    await ctx.shot('task', [wb.page.locator('.part.panel .composite-bar').first(), ...(await taskLines.all()), wb.statusItem()], 'task-caller-identity.png');
  },
};
