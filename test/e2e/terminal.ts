/**
 * Flow 5: "AWS Identity: New Terminal as Active Identity" opens a terminal named after the
 * identity, and `aws sts get-caller-identity` typed into it prints the assumed role's ARN (read
 * from the terminal on screen, compared with the status bar tooltip).
 */
import type { E2eFlow } from './harness';
import { openRoleTerminal } from './steps';

export const terminalFlow: E2eFlow = {
  id: 'terminal',
  title: 'New Terminal as the active identity: aws sts get-caller-identity in it prints the assumed role ARN',
  async run(ctx) {
    await openRoleTerminal(ctx);
    await ctx.shot('terminal', [ctx.wb.page.locator('.part.panel'), ctx.wb.statusItem()], 'terminal-caller-identity.png');
  },
};
