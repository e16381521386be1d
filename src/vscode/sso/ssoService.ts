/**
 * The window's view of IAM Identity Center: the sign-in targets of the config, their token state
 * (the AWS CLI's cache, no network), the accounts and roles of signed-in ones (cached for the
 * window until refreshed), and sign-in / sign-out. One sign-in per target at a time in this
 * window (a second request joins the first); across windows src/sso's lock does the same.
 */
import * as vscode from 'vscode';
import type { ConfigSnapshot } from '../../config/snapshot';
import type { Identity, Logger } from '../../shared/types';
import {
  cachedTokenState,
  type CachedTokenState,
  defaultCacheDir,
  getSsoToken,
  listAccountRoles,
  listAccounts,
  signIn,
  signOut,
  SsoError,
  type SignInUi,
  type SsoAccessToken,
  type SsoAccount,
  type SsoContext,
  type SsoSession,
} from '../../sso';
import type { ProfileStore } from '../profileStore';
import { watchFolder } from '../folderWatcher';
import { currentFlow, withSignInUi } from './signInUi';
import { UserCancelledError } from '../views/mfaPrompt';
import { sameSession, signInTargets, type SignInTarget, targetId } from './targets';

/** What the service needs of the identity manager. */
export interface ActiveIdentity {
  readonly identity: Identity | undefined;
  readonly activeProfile: string | undefined;
  clear(): void;
}

/** One role of one account of a signed-in target (Switch Identity lists these). */
export interface RoleEntry {
  readonly target: SignInTarget;
  readonly account: SsoAccount;
  readonly roleName: string;
}

/** A target's token state, or why its cache file cannot be used. */
export type TargetState = CachedTokenState | { readonly state: 'invalid'; readonly problem: string };

/** How many portal requests run at once when every account's roles are fetched. */
export const ROLE_FETCH_CONCURRENCY = 4;

export class SsoService implements vscode.Disposable {
  private targetsRead: { snapshot: ConfigSnapshot; targets: SignInTarget[] } | undefined;
  private readonly accountCache = new Map<string, Promise<SsoAccount[]>>();
  private readonly roleCache = new Map<string, Promise<string[]>>();
  private readonly signIns = new Map<string, Promise<SsoAccessToken>>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Sign-in state, accounts or roles changed: the tree redraws. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private cacheWatched = false;

  constructor(
    private readonly store: ProfileStore,
    private readonly log: Logger,
    private readonly active: ActiveIdentity,
    readonly ctx: SsoContext = {},
  ) {
    this.ctx = { logger: log, ...ctx };
    this.subscriptions.push(store.onDidChange(() => this.changed.fire()), this.changed);
  }

  /**
   * Watches the CLI's token cache, so a sign-in or sign-out elsewhere (CLI, another window) shows.
   * Started on first use; the folder appears with the first sign-in (see folderWatcher.ts).
   */
  private watchCache(): void {
    if (this.cacheWatched) return;
    this.cacheWatched = true;
    const dir = this.ctx.cacheDir ?? defaultCacheDir();
    const fire = (): void => {
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.changed.fire(), 200);
    };
    this.subscriptions.push(watchFolder(dir, '*.json', fire));
  }

  /** The sign-in targets of the current snapshot (the store's one reading of the files; a new one after they change). */
  async targets(): Promise<SignInTarget[]> {
    this.watchCache();
    const snapshot = await this.store.snapshot();
    if (this.targetsRead?.snapshot !== snapshot) {
      this.targetsRead = { snapshot, targets: signInTargets(snapshot.ssoSessions, snapshot.paths.configFile) };
    }
    return this.targetsRead.targets;
  }

  async target(id: string): Promise<SignInTarget | undefined> {
    return (await this.targets()).find((t) => t.id === id);
  }

  /** The target an SsoSession (from the manager, a profile) belongs to; made up when the config no longer has it. */
  async targetOf(session: SsoSession): Promise<SignInTarget> {
    const id = targetId(session);
    return (await this.target(id)) ?? { id, label: session.sessionName ?? session.startUrl, session, startUrl: session.startUrl, region: session.region, profiles: [], ...(session.sessionName ? { sessionName: session.sessionName } : {}) };
  }

  /**
   * What the cache holds for the target (no network). A token file that cannot be read or parsed
   * (root's after `sudo aws sso login`, another tool's format) is this target's problem alone:
   * 'invalid' with the message, which names the file and the next step, so the Profiles view and
   * Switch Identity still show every other session.
   */
  async state(target: SignInTarget): Promise<TargetState> {
    if (!target.session) return { state: 'none' };
    try {
      return await cachedTokenState(target.session, this.ctx);
    } catch (e) {
      return { state: 'invalid', problem: e instanceof Error ? e.message : String(e) };
    }
  }

  private key(target: SignInTarget): string {
    return `${target.id}\n${target.startUrl ?? ''}\n${target.region ?? ''}`;
  }

  private session(target: SignInTarget): SsoSession {
    if (!target.session) throw new Error(target.problem ?? `${target.label} cannot be signed in to.`);
    return target.session;
  }

  /** The token for portal calls: cached or refreshed, never a new sign-in (throws signInRequired). */
  private token(target: SignInTarget): Promise<SsoAccessToken> {
    return getSsoToken(this.session(target), this.ctx);
  }

  /** The accounts of a signed-in target, fetched once per window (until refreshed). */
  accounts(target: SignInTarget): Promise<SsoAccount[]> {
    const key = this.key(target);
    let p = this.accountCache.get(key);
    if (!p) {
      p = this.token(target).then((t) => listAccounts(this.session(target), t, this.ctx));
      this.accountCache.set(key, p);
      p.catch(() => this.accountCache.delete(key));
    }
    return p;
  }

  /** The roles of one account, fetched when first asked for (an account node expanded), cached for the window. */
  roles(target: SignInTarget, accountId: string): Promise<string[]> {
    const key = `${this.key(target)}\n${accountId}`;
    let p = this.roleCache.get(key);
    if (!p) {
      p = this.token(target).then(async (t) => (await listAccountRoles(this.session(target), t, accountId, this.ctx)).map((r) => r.roleName));
      this.roleCache.set(key, p);
      p.catch(() => this.roleCache.delete(key));
    }
    return p;
  }

  /** Every role of every account of every signed-in target, at most ROLE_FETCH_CONCURRENCY requests at once. */
  async allRoles(): Promise<{ roles: RoleEntry[]; failures: string[] }> {
    const roles: RoleEntry[] = [];
    const failures: string[] = [];
    const jobs: (() => Promise<void>)[] = [];
    for (const target of await this.targets()) {
      const state = await this.state(target);
      // Said once among the failures Switch Identity shows; the other targets' roles still come.
      if (state.state === 'invalid') failures.push(state.problem);
      // A token that expired but can be refreshed is a signed-in session: accounts() refreshes it, as expanding its row does.
      const usable = state.state === 'valid' || (state.state === 'expired' && state.refreshable);
      if (!usable) continue;
      let accounts: SsoAccount[];
      try {
        accounts = await this.accounts(target);
      } catch (e) {
        // The refresh was refused: signed out after all, which lists nothing, as for any signed-out session.
        if (!(e instanceof SsoError && e.kind === 'signInRequired')) failures.push(e instanceof Error ? e.message : String(e));
        continue;
      }
      for (const account of accounts) {
        jobs.push(async () => {
          try {
            for (const roleName of await this.roles(target, account.accountId)) roles.push({ target, account, roleName });
          } catch (e) {
            failures.push(e instanceof Error ? e.message : String(e));
          }
        });
      }
    }
    await runBounded(jobs, ROLE_FETCH_CONCURRENCY);
    const order = (r: RoleEntry): string => `${r.target.label}\n${r.account.accountName ?? r.account.accountId}\n${r.roleName}`;
    roles.sort((a, b) => order(a).localeCompare(order(b)));
    return { roles, failures };
  }

  /** Forgets the target's accounts and roles (or one account's roles) and redraws. */
  refresh(target?: SignInTarget, accountId?: string): void {
    for (const cache of [this.accountCache, this.roleCache]) {
      for (const key of [...cache.keys()]) {
        if (!target || key === this.key(target) || key.startsWith(`${this.key(target)}\n`)) {
          if (accountId === undefined || key.endsWith(`\n${accountId}`)) cache.delete(key);
        }
      }
    }
    this.changed.fire();
  }

  /**
   * Signs in to the target with the window's UI (progress notification, browser or device code).
   * A second call while one runs joins it. `force`: a new sign-in even when a token is cached.
   */
  signIn(target: SignInTarget, options: { force?: boolean } = {}): Promise<SsoAccessToken> {
    const running = this.signIns.get(target.id);
    if (running) {
      this.log.info(`Sign-in to ${target.label} requested again while one runs: joining it.`);
      return running;
    }
    const session = this.session(target);
    const flow = currentFlow();
    this.log.info(`Signing in to ${target.label} (${flow === 'deviceCode' ? 'device code' : 'authorization code with PKCE'}).`);
    // Cancel on the progress notification rejects with SsoError 'cancelled', which the commands'
    // reportFailure treats as the user's choice, not a failure to report.
    const p = withSignInUi(target.label, flow, this.log, (ui: SignInUi) => signIn(session, this.ctx, ui, options)).finally(() => {
      this.signIns.delete(target.id);
      this.refresh(target);
    });
    this.signIns.set(target.id, p);
    return p.then((token) => {
      this.log.info(`Signed in to ${target.label}; the token is in the AWS CLI's cache until ${token.expiresAt.toISOString()}.`);
      return token;
    });
  }

  /** Whether a sign-in to the target runs in this window now. */
  signingIn(target: SignInTarget): boolean {
    return this.signIns.has(target.id);
  }

  /** `aws sso logout` for the target; clears the active identity when it came from it. Returns what to tell the user. */
  async signOut(target: SignInTarget): Promise<string> {
    // A sign-in to the same session holds its lock until it ends (up to minutes): say that we wait,
    // and let the user stop waiting rather than wonder why nothing happens.
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Signing out of ${target.label}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        const onWait = (): void => progress.report({ message: 'waiting for the sign-in in progress to end (Cancel stops waiting; nothing is signed out)' });
        try {
          return await signOut(this.session(target), this.ctx, { signal: abort.signal, onWait });
        } catch (e) {
          if (e instanceof SsoError && e.kind === 'cancelled') throw new UserCancelledError('Signing out');
          throw e;
        } finally {
          cancel.dispose();
        }
      },
    );
    this.refresh(target);
    const cleared = await this.clearIfFrom(target);
    const local = result.removed ? 'its token was removed from the AWS CLI\'s cache' : 'no token was cached';
    const server = result.removed && !result.serverLogout ? ' (the portal could not be told; the token is gone here anyway)' : '';
    const message = `Signed out of ${target.label}: ${local}${server}.${cleared ? ` The active identity ${cleared} came from it and was cleared; pick another identity to continue.` : ''}`;
    this.log.info(message);
    return message;
  }

  /** Clears the active identity when it was taken through `target`; returns its name when it did. */
  private async clearIfFrom(target: SignInTarget): Promise<string | undefined> {
    const identity = this.active.identity;
    if (!identity) return undefined;
    const source = identity.source;
    let from = source.type === 'ssoRole' && sameSession(target, source);
    if (!from && source.type === 'profile') {
      const p = await this.store.profile(source.profile);
      from = !!p && p.kind === 'sso' && sameSession(target, { ...(p.ssoSession !== undefined ? { sessionName: p.ssoSession } : {}), ...(p.ssoStartUrl !== undefined ? { startUrl: p.ssoStartUrl } : {}) });
    }
    if (!from) return undefined;
    const name = `${identity.name} (${identity.account})`;
    this.active.clear();
    return name;
  }

  dispose(): void {
    if (this.debounce) clearTimeout(this.debounce);
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Runs the jobs with at most `limit` at once. */
export async function runBounded(jobs: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}
