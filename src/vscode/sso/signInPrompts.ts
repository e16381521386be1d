/**
 * The sign-ins the identity manager asks for: a switch that meets a signed-out session (one
 * notification "Sign in to …?"; accepted → a SignInUi whose progress lasts until the switch ends),
 * and a renewal that cannot go on without a new sign-in (one notification offering "Sign In"; the
 * status bar shows the renewal failure as a warning meanwhile).
 */
import * as vscode from 'vscode';
import type { Event } from '../../shared/events';
import type { Logger } from '../../shared/types';
import { isCancelledSignIn, type SignInUi, type SsoSession } from '../../sso';
import { clockTime } from '../views/presentation';
import { currentFlow, openSignInProgress, withSignInUi } from './signInUi';
import type { SsoService } from './ssoService';
import { targetId } from './targets';

/** What a renewal reports when it needs a sign-in (IdentityManager.onDidNeedSignIn). */
export interface NeedSignIn {
  readonly session: SsoSession;
  /** The identity that cannot be renewed (it stays active with the credentials it has). */
  readonly identity?: { readonly name: string; readonly account: string };
  /** When its credentials stop working (local clock). */
  readonly expiration?: Date;
  /** Cause and next step, fit to show (used when `identity` is not given). */
  readonly message?: string;
}

/** A notification these prompts showed, as the user saw it (the integration tests read them; never a secret). */
export interface ShownPrompt {
  /** `switch`: a switch met a signed-out session; `renewal`: the active identity's renewal needs a sign-in. */
  readonly kind: 'switch' | 'renewal';
  readonly severity: 'info' | 'warning';
  readonly session: string;
  readonly message: string;
  readonly actions: readonly string[];
  /** The button chosen, `null` when dismissed; absent while the notification is open. */
  readonly answer?: string | null;
}

/** How many shown prompts are remembered. */
const SHOWN_KEPT = 50;

/** Signs in with this UI and renews the active identity at once (IdentityManager.signInAndRenew). */
export type SignInAndRenew = (session: SsoSession, ui: SignInUi) => Promise<unknown>;

/** The renewal notification: what expired, until when the credentials work, and what to do. */
export function renewalMessage(e: NeedSignIn, label: string): string {
  if (!e.identity) return e.message ?? `Your IAM Identity Center sign-in (${label}) has ended: the AWS credentials in use cannot be renewed. Choose Sign In to sign in again and renew them.`;
  const who = `${e.identity.name} (${e.identity.account})`;
  const until = e.expiration ? `its credentials last until ${clockTime(e.expiration)}` : 'its credentials last until they expire';
  return `The IAM Identity Center sign-in for ${label} expired and could not be refreshed, so ${who} cannot be renewed: ${until}. Choose Sign In to sign in again and renew them.`;
}

export class SsoSignInPrompts implements vscode.Disposable {
  /** Sessions whose "sign in needed" notification was shown; shown again only after a sign-in or a switch. */
  private readonly announced = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** What was shown, for `shown()` (at most SHOWN_KEPT). */
  private readonly shownPrompts: ShownPrompt[] = [];

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

  /** The notifications shown so far (oldest first), with the answers given. */
  shown(): ShownPrompt[] {
    return this.shownPrompts.map((p) => ({ ...p }));
  }

  /** Shows a notification with buttons and remembers it with its answer. */
  private async ask(prompt: Omit<ShownPrompt, 'answer'>): Promise<string | undefined> {
    const entry: { -readonly [K in keyof ShownPrompt]: ShownPrompt[K] } = { ...prompt };
    this.shownPrompts.push(entry);
    if (this.shownPrompts.length > SHOWN_KEPT) this.shownPrompts.shift();
    const show = prompt.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const choice = await show(prompt.message, ...prompt.actions);
    entry.answer = choice ?? null;
    return choice;
  }

  /** The manager's `ssoSignIn`: asks once; a SignInUi when accepted, undefined when declined. */
  readonly ssoSignIn = async (session: SsoSession): Promise<SignInUi | undefined> => {
    const label = this.label(session);
    const choice = await this.ask({
      kind: 'switch',
      severity: 'info',
      session: label,
      message: `Sign in to IAM Identity Center (${label})? The identity you picked needs it: you are signed out of ${label} or its sign-in expired. Choose Sign In to continue the switch; dismiss to keep the current identity.`,
      actions: ['Sign In'],
    });
    if (choice !== 'Sign In') {
      this.log.info(`Sign-in to ${label} declined: the switch stops and the current identity stays.`);
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
    void this.ask({ kind: 'renewal', severity: 'warning', session: label, message: renewalMessage(e, label), actions: ['Sign In'] })
      .then(async (choice) => {
        if (choice !== 'Sign In') return;
        try {
          await withSignInUi(label, currentFlow(), this.log, (ui) => this.signInAndRenew(e.session, ui));
          this.announced.delete(id);
          this.service.refresh();
        } catch (error) {
          this.announced.delete(id);
          if (isCancelledSignIn(error)) {
            this.log.info(`Signing in to ${label} was cancelled; the renewal waits for a sign-in.`);
            return;
          }
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
