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
import { askUser, pickerTitled } from '../support/uiRequests';

export const AUTH_PROVIDER = 'awsIdentity';
/**
 * Runs the switch command with a profile name, as a link or another extension would, and answers
 * its confirmation as the user: a name that does not come from the user's own click in the view
 * switches only after they say so (src/vscode/commands/context.ts, confirmRequestedSwitch).
 * Resolves with what the command returned (undefined when the switch failed).
 */
export async function requestSwitch(name: string, answer: 'Switch' | 'Cancel' = 'Switch'): Promise<Identity | undefined> {
  const answered = answerSwitchConfirmation(answer);
  const result = vscode.commands.executeCommand<Identity | undefined>('awsIdentity.useProfile', name);
  await answered;
  return result;
}

/**
 * Answers, as the user, the next confirmation a command shows before it switches to an identity
 * it was handed: a picker whose first item is the switch (Enter takes it, Escape declines).
 */
export function answerSwitchConfirmation(answer: 'Switch' | 'Cancel' = 'Switch'): ReturnType<typeof askUser> {
  return askUser({ action: 'type', text: '', press: answer === 'Switch' ? 'Enter' : 'Escape', whenVisible: pickerTitled('A command asked to switch the AWS identity') });
}

/** Makes a profile active through its command, confirmed as the user (remembered; no API consent involved). */
export async function userSwitch(name: string): Promise<Identity> {
  const identity = await requestSwitch(name);
  assert.ok(identity, `Switching to profile "${name}" with the awsIdentity.useProfile command failed; its error notification and the "AWS Identity" log say why.`);
  return identity;
}
