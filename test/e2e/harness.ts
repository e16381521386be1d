/**
 * What an end-to-end flow is and what it gets from the runner (test/runE2e.ts).
 *
 * A flow is one user journey, reported as one test. Flows run in order in ONE workbench (as a
 * person would use it), but each one first brings the UI into the state it needs through the UI
 * itself, so one failed flow does not fail the next.
 */
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { Workbench } from './workbench';

/** Facts the runner set up before the workbench started. */
export interface E2eFixture {
  /** moto's endpoint (AWS_ENDPOINT_URL_STS of code-server, the extension host and terminals). */
  readonly stsEndpoint: string;
  /** moto's default account. */
  readonly account: string;
  /** A profile with the keys of an IAM user that exists in moto (needed once IAM authorization is on). */
  readonly iamUserProfile: string;
  readonly iamUserArn: string;
  /** A role whose trust policy names someone else: AssumeRole by the IAM user is denied. */
  readonly lockedRoleArn: string;
  /** Turns moto's IAM authorization on or off (global to moto: flows turn it off again). */
  setIamAuthorization(on: boolean): Promise<void>;
  /** The next AssumeRole of `roleName` answers with credentials expiring in `seconds` (see test/e2e/mfaRenewal.ts). */
  shortenNextRoleSession(roleName: string, seconds: number): void;
}

/** A terminal a flow opened, and the identity it was opened for. */
export interface OpenedTerminal {
  readonly name: string;
  readonly arn: string;
}

export interface E2eContext {
  readonly wb: Workbench;
  readonly fixture: E2eFixture;
  /**
   * Saves a screenshot of the regions (or the page) as artifacts/e2e/<nn>-<flow>-<name>.png.
   * `media`: also a README picture, copied to media/screenshots/<media> when the runner is
   * given --update-screenshots.
   */
  shot(name: string, regions?: Locator[], media?: string): Promise<string>;
  /** Handed from flow to flow (a later flow re-creates what it needs when an earlier one failed). */
  readonly state: { roleTerminal?: OpenedTerminal };
}

export interface E2eFlow {
  /** Short name for files (artifacts/e2e/<nn>-<id>-<shot>.png). */
  readonly id: string;
  readonly title: string;
  /** Upper bound for the whole flow; default 120 s. */
  readonly timeoutMs?: number;
  run(ctx: E2eContext): Promise<void>;
}

/** Throws with `message` unless `condition`; the flows' only assertion (messages say what was on screen). */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** artifacts/e2e/<nn>-<flow id>-<name>.png */
export function shotFile(dir: string, index: number, flowId: string, name: string): string {
  return path.join(dir, `${String(index + 1).padStart(2, '0')}-${flowId}-${name}.png`);
}
