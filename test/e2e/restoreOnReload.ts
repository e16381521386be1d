/**
 * Flow 7: the profile in use is remembered for the workspace (its name only) and restored when
 * the window is loaded again: reload the workbench and the status bar shows the same identity,
 * with no click and no prompt.
 */
import { check, type E2eFlow } from './harness';
import { reloadWindow, statusPattern, useProfile } from './steps';

export const restoreOnReloadFlow: E2eFlow = {
  id: 'restore-on-reload',
  title: 'Restore: the profile in use comes back after the window reloads, without a click',
  async run({ wb, shot }) {
    await useProfile(wb, 'audit-readonly', 'AuditReadOnly', '210987654321');
    await reloadWindow(wb);
    const status = await wb.waitForStatus(statusPattern('AuditReadOnly', '210987654321'));
    check(!(await wb.statusHasErrorBackground()), `After the reload the status bar "${status}" shows an error.`);
    check((await wb.page.locator('.quick-input-widget:visible').count()) === 0, 'Restoring opened a prompt; it must restore silently.');
    await shot('restored');
  },
};
