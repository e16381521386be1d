/**
 * Helpers for integration tests now that the API's credentials and switches need the user's
 * consent: VS Code refuses to show its consent modal in extension tests ("DialogService: refused
 * to show dialog in tests"), so the tests switch through the extension's own command (the user's
 * path: remembered, no "set by" notice), and the consent itself is tested end to end
 * (test/e2e/apiConsent.ts, with the packaged extension and a real consumer extension).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Identity } from '../../src/api';

export const AUTH_PROVIDER = 'awsIdentity';
/** Makes a profile active as a click in the Profiles view does (remembered; no consent involved). */
export async function userSwitch(name: string): Promise<Identity> {
  const identity = await vscode.commands.executeCommand<Identity | undefined>('awsIdentity.useProfile', name);
  assert.ok(identity, `Switching to profile "${name}" with the awsIdentity.useProfile command failed; its error notification and the "AWS Identity" log say why.`);
  return identity;
}
