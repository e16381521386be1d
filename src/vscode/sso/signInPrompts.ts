/**
 * The sign-ins the identity manager asks for: a switch that meets a signed-out session (one
 * notification "Sign in to …?"; accepted → a SignInUi whose progress lasts until the switch ends),
 * and a renewal that cannot go on without a new sign-in (one notification offering "Sign In"; the
 * status bar shows the renewal failure as a warning meanwhile).
 */
import * as vscode from 'vscode';
import type { Event } from '../../shared/events';
import type { Logger } from '../../shared/types';
import type { SignInUi, SsoSession } from '../../sso';
import { currentFlow, openSignInProgress, withSignInUi } from './signInUi';
import type { SsoService } from './ssoService';
import { targetId } from './targets';

/** What a renewal reports when it needs a sign-in (IdentityManager.onDidNeedSignIn). */
export interface NeedSignIn {
  readonly session: SsoSession;
  /** Cause and next step, fit to show. */
  readonly message?: string;
}

/** Signs in with this UI and renews the active identity at once (IdentityManager.signInAndRenew). */
export type SignInAndRenew = (session: SsoSession, ui: SignInUi) => Promise<unknown>;

export class SsoSignInPrompts implements vscode.Disposable {
  /** Sessions whose "sign in needed" notification was shown; shown again only after a sign-in or a switch. */
  private readonly announced = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly service: SsoService,
    private readonly log: Logger,
    /** Fires when a switch settles (state other than `switching`). */
    private readonly onDidChangeState: Event<{ readonly status: string }>,
    onDidChangeIdentity: Event<unknown>,
    private readonly signInAndRenew: SignInAndRenew,
  ) {
    this.subscriptions.push(onDidChangeIdentity(() => this.announced.clear()));
  }

  private label(session: SsoSession): string {
    return session.sessionName ?? session.startUrl;
  }

  /** The manager's `ssoSignIn`: asks once; a SignInUi when accepted, undefined when declined. */
  readonly ssoSignIn = async (session: SsoSession): Promise<SignInUi | undefined> => {
    const label = this.label(session);
    const choice = await vscode.window.showInformationMessage(`Sign in to IAM Identity Center (${label})? The identity you picked needs it: you are signed out or the sign-in expired.`, 'Sign In');
    if (choice !== 'Sign In') {
      this.log.info(`Sign-in to ${label} declined.`);
      return undefined;
    }
    const progress = openSignInProgress(label, currentFlow(), this.log);
    const sub = this.onDidChangeState((s) => {
      if (s.status === 'switching') return;
      sub.dispose();
      progress.finish();
      this.announced.delete(targetId(session));
      this.service.refresh();
    });
    return progress.ui;
  };

  /** A renewal needs a new sign-in: one notification per session offering "Sign In". */
  readonly needSignIn = (e: NeedSignIn): void => {
    const id = targetId(e.session);
    if (this.announced.has(id)) return;
    this.announced.add(id);
    const label = this.label(e.session);
    this.log.warn(`The active identity's credentials cannot be renewed until you sign in to IAM Identity Center (${label}) again.`);
    void vscode.window
      .showWarningMessage(e.message ?? `Your IAM Identity Center sign-in (${label}) has ended: the AWS credentials in use cannot be renewed. Sign in to keep working.`, 'Sign In')
      .then(async (choice) => {
        if (choice !== 'Sign In') return;
        try {
          await withSignInUi(label, currentFlow(), this.log, (ui) => this.signInAndRenew(e.session, ui));
          this.announced.delete(id);
          this.service.refresh();
        } catch (error) {
          this.announced.delete(id);
          const message = error instanceof Error ? error.message : String(error);
          this.log.error(`Signing in to ${label} failed: ${message}`, error);
          void vscode.window.showErrorMessage(message);
        }
      });
  };

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
