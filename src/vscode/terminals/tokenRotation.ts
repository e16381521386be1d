/**
 * Endpoint mode's tokens, one per terminal (src/terminal/grants.ts decides which grant a terminal
 * holds and when one is revoked): the collection carries a pending token in a private token file;
 * right after a terminal opened (its process started) the collection gets a fresh one, and the
 * previous one stays until that terminal and every other terminal then open (a relaunch in it may
 * have read the token) have closed. Also starts the endpoint and the runtime folder, and after a
 * window reload binds the previous port again and, only if it got it, writes fresh tokens for the
 * surviving terminals whose identity came back (src/terminal/runtimeFolder.ts).
 */
import * as vscode from 'vscode';
import type { AwsCredentials, Identity, Logger } from '../../shared/types';
import { CredentialEndpoint, CredentialSource, EndpointGrant } from '../../terminal/credentialEndpoint';
import { GrantLedger } from '../../terminal/grants';
import { RuntimeFolder, TerminalRecord } from '../../terminal/runtimeFolder';
import { ManagedVariable, identityKey, terminalVariables } from '../../terminal/terminalRules';
import type { Disposable } from '../../shared/events';
import type { TerminalSession } from '../../terminal/terminalSession';

export interface TerminalTokensOptions {
  readonly logger: Logger;
  /** Starts the credential endpoint the first time endpoint mode needs it (on `preferredPort` if free). */
  readonly startEndpoint?: (preferredPort: number | undefined) => Promise<CredentialEndpoint>;
  /** Where the private runtime folder lives (default: runtimeFolder.ts defaultRuntimeRoot). */
  readonly runtimeRoot?: string;
  /** Also put the token in AWS_CONTAINER_AUTHORIZATION_TOKEN (old clients). */
  readonly legacyToken?: () => boolean;
  /** The session terminals get through the endpoint now; undefined when endpoint mode is not in use. */
  readonly endpointSession: () => TerminalSession | undefined;
  /** Runs `task` after the updates already queued, so rotations and updates apply in order. */
  readonly enqueue: (task: () => Promise<void>, failure: string) => void;
  /** A rotation: the collection must carry these variables (the new pending token's) from now on. */
  readonly rotated: (variables: Map<ManagedVariable, string>) => void;
  /** The number of live grants changed. */
  readonly changed: () => void;
}

/** The endpoint's view of one identity: always the newest session for that principal. */
class GrantedIdentity implements CredentialSource {
  private session: TerminalSession;
  private lease: Disposable | undefined;

  constructor(session: TerminalSession) {
    this.session = session;
    this.lease = session.retain?.();
  }

  get label(): string {
    return `${this.session.identity.name} (${this.session.identity.account})`;
  }

  use(session: TerminalSession): void {
    if (session === this.session) return;
    const old = this.lease;
    this.session = session;
    this.lease = session.retain?.();
    old?.dispose();
  }

  getCredentials(): Promise<AwsCredentials> {
    if (this.session.isDisposed) {
      return Promise.reject(new Error('this identity is no longer active in VS Code, so its credentials are no longer renewed. Open a new terminal to use the current identity'));
    }
    return this.session.getExportableCredentials();
  }

  release(): void {
    this.lease?.dispose();
    this.lease = undefined;
  }
}

interface LedgerGrant {
  readonly grant: EndpointGrant;
  /** Base name of its token file in the runtime folder. */
  readonly file: string;
  readonly tokenFile: string;
  revoke(): void;
}

interface Runtime {
  readonly endpoint: CredentialEndpoint;
  readonly folder: RuntimeFolder;
  /** Terminals that survived a reload with a token file, waiting for their identity to come back. */
  readonly restorable: Map<vscode.Terminal, TerminalRecord>;
}

const PROCESS_ID_WAIT_MS = 3_000;

function processIdOf(t: vscode.Terminal): Promise<number | undefined> {
  return Promise.race([
    Promise.resolve(t.processId).then(
      (p) => p,
      () => undefined,
    ),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), PROCESS_ID_WAIT_MS).unref()),
  ]);
}

export class TerminalTokens implements vscode.Disposable {
  /** A grant revoked at the end of its grace period changes the count with no update running. */
  private readonly ledger = new GrantLedger<vscode.Terminal, LedgerGrant>(Date.now, (run, ms) => {
    const timer = setTimeout(() => {
      run();
      if (!this.disposed) this.options.changed();
    }, ms);
    return () => clearTimeout(timer);
  });
  /** One source per identity, shared by its grants, with the number of grants using it. */
  private readonly sources = new Map<string, { source: GrantedIdentity; grants: number }>();
  private readonly shellPids = new Map<vscode.Terminal, number>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private runtime: Promise<Runtime> | undefined;
  private restoredCount = 0;
  private disposed = false;

  constructor(private readonly options: TerminalTokensOptions) {
    this.subscriptions.push(
      vscode.window.onDidOpenTerminal((t) => this.terminalOpened(t)),
      vscode.window.onDidCloseTerminal((t) => this.terminalClosed(t)),
    );
    // Terminals already open may be relaunched and read a token pending later: the ledger must
    // count them when that token is retired (see GrantLedger).
    for (const t of vscode.window.terminals) this.ledger.opened(t);
    // Tokens a crashed extension host left must go even if this window never needs the endpoint;
    // soon after activation, not during it.
    const sweep = setTimeout(() => {
      try {
        RuntimeFolder.sweep(this.options.runtimeRoot ? { root: this.options.runtimeRoot } : {});
      } catch (e) {
        this.options.logger.warn(`Could not clean the terminals' runtime folder: ${e instanceof Error ? e.message : String(e)}`);
      }
    }, 0);
    this.subscriptions.push({ dispose: () => clearTimeout(sweep) });
  }

  /** Endpoint grants alive (pending or held by open terminals). */
  get size(): number {
    return this.ledger.size;
  }

  /** Terminals given back their token after a window reload. */
  get restored(): number {
    return this.restoredCount;
  }

  /**
   * The variables of `session`'s pending token (a new grant unless the pending one is for the same
   * identity), and the endpoint's port; undefined when `stale()` says a newer update will run.
   * Surviving terminals of that identity get their token back (after a reload).
   * @throws when the endpoint or the runtime folder cannot start, or the token file cannot be written
   */
  async pending(session: TerminalSession, stale: () => boolean): Promise<{ variables: Map<ManagedVariable, string>; port: number } | undefined> {
    const runtime = await this.startRuntime();
    if (stale()) return undefined;
    const key = identityKey(session.identity);
    const entry = this.ledger.use(key, () => this.newGrant(runtime, key, session));
    this.sources.get(key)?.source.use(session);
    this.restore(runtime, key, session);
    return { variables: this.endpointVariables(session.identity, entry), port: runtime.endpoint.listeningPort };
  }

  /** No token is pending (another mode); tokens held by terminals stay. */
  clearCurrent(): void {
    this.ledger.clearCurrent();
  }

  /** Every token stops working, held or not (identity cleared, feature off). */
  revokeAll(): void {
    this.ledger.revokeAll();
  }

  /**
   * A terminal opened: it holds the pending grant (the ledger learns of it even with none pending).
   * Once its process started, the collection gets a fresh token, so the next terminal does not
   * share this one's.
   */
  private terminalOpened(t: vscode.Terminal): void {
    this.ledger.opened(t);
    // What its first process may have read (recorded under its pid); grants it gets later are for
    // a relaunch, which starts another process.
    const held = this.ledger.grantsOf(t);
    if (held.length === 0) return;
    void processIdOf(t).then((pid) => {
      if (this.disposed) return;
      if (pid !== undefined) this.shellPids.set(t, pid);
      this.options.enqueue(() => this.rotate(held, pid), 'Rotating the terminal token failed');
    });
  }

  private terminalClosed(t: vscode.Terminal): void {
    this.ledger.closed(t);
    void this.runtime?.then((r) => {
      r.restorable.delete(t);
      const pid = this.shellPids.get(t);
      if (pid !== undefined) r.folder.forget(pid);
    }, () => undefined);
    this.shellPids.delete(t);
    this.options.changed();
  }

  private async rotate(held: readonly LedgerGrant[], pid: number | undefined): Promise<void> {
    if (this.disposed || !this.runtime) return;
    const runtime = await this.runtime;
    if (pid !== undefined) {
      for (const g of held) {
        if (g.grant.active) runtime.folder.record({ shellPid: pid, file: g.file, identity: this.ledger.keyOf(g) ?? '' });
      }
    }
    const session = this.options.endpointSession();
    const current = this.ledger.current;
    if (!session || !current) return;
    const key = this.ledger.keyOf(current);
    if (key === undefined || key !== identityKey(session.identity)) return;
    const next = this.ledger.rotate(() => this.newGrant(runtime, key, session));
    if (!next) return;
    this.options.rotated(this.endpointVariables(session.identity, next));
  }

  /** A grant for `session`'s identity with its own token file. */
  private newGrant(runtime: Runtime, key: string, session: TerminalSession, file = runtime.folder.newFileName()): LedgerGrant {
    let shared = this.sources.get(key);
    if (!shared) {
      shared = { source: new GrantedIdentity(session), grants: 0 };
      this.sources.set(key, shared);
    }
    shared.source.use(session);
    const grant = runtime.endpoint.grant(shared.source);
    let tokenFile: string;
    try {
      tokenFile = runtime.folder.writeToken(file, grant.token);
    } catch (e) {
      grant.revoke();
      throw e;
    }
    shared.grants++;
    const entry = shared;
    return {
      grant,
      file,
      tokenFile,
      revoke: () => {
        if (!grant.active) return;
        grant.revoke();
        runtime.folder.removeToken(file);
        // On dispose (reload, shutdown) the record stays: the next host of this window needs it.
        if (!this.disposed) runtime.folder.forgetFile(file);
        if (--entry.grants === 0 && this.sources.get(key) === entry) {
          this.sources.delete(key);
          entry.source.release();
        }
      },
    };
  }

  private endpointVariables(identity: Identity, g: LedgerGrant): Map<ManagedVariable, string> {
    const legacy = this.options.legacyToken?.() ?? false;
    return terminalVariables('endpoint', {
      region: identity.region,
      grant: { url: g.grant.url, tokenFile: g.tokenFile, ...(legacy ? { token: g.grant.token } : {}) },
      legacyToken: legacy,
    });
  }

  /** Surviving terminals of `key`'s identity get a fresh token in the file they already name. */
  private restore(runtime: Runtime, key: string, session: TerminalSession): void {
    const open = new Set(vscode.window.terminals);
    for (const [t, record] of [...runtime.restorable]) {
      if (!open.has(t)) {
        runtime.restorable.delete(t);
        continue;
      }
      if (record.identity !== key) continue;
      runtime.restorable.delete(t);
      try {
        const g = this.newGrant(runtime, key, session, record.file);
        this.ledger.adopt(t, key, g);
        this.shellPids.set(t, record.shellPid);
        runtime.folder.record(record);
        this.restoredCount++;
        this.options.logger.info(`A terminal opened before the reload gets ${session.identity.name} again (grant ${g.grant.id}).`);
      } catch (e) {
        this.options.logger.error('Could not restore the token of a terminal opened before the reload', e);
      }
    }
  }

  /**
   * Starts the runtime folder and the endpoint the first time endpoint mode needs them. After a
   * reload, terminals that survived name a token file of the previous host: the folder is taken
   * over, the previous port is bound again, and only if that worked are the terminals remembered
   * for restoration (their files stay absent until their identity comes back).
   */
  private startRuntime(): Promise<Runtime> {
    if (!this.runtime) {
      const logger = this.options.logger;
      this.runtime = (async () => {
        const pids = new Map<number, vscode.Terminal>();
        for (const t of vscode.window.terminals) {
          const pid = await processIdOf(t);
          if (pid !== undefined) pids.set(pid, t);
        }
        const { folder, adoption } = RuntimeFolder.open([...pids.keys()], this.options.runtimeRoot ? { root: this.options.runtimeRoot } : {});
        let endpoint: CredentialEndpoint;
        try {
          const start = this.options.startEndpoint ?? ((preferredPort) => CredentialEndpoint.start({ logger, ...(preferredPort !== undefined ? { preferredPort } : {}) }));
          endpoint = await start(adoption?.port);
        } catch (e) {
          folder.dispose();
          throw e;
        }
        folder.setPort(endpoint.listeningPort);
        const restorable = new Map<vscode.Terminal, TerminalRecord>();
        if (adoption && adoption.port === endpoint.listeningPort) {
          for (const record of adoption.terminals) {
            const t = pids.get(record.shellPid);
            if (t) restorable.set(t, record);
          }
        } else if (adoption) {
          logger.warn(`The previous credential endpoint's port ${adoption.port ?? '?'} is taken; terminals opened before the reload get no credentials (open new ones).`);
          for (const record of adoption.terminals) folder.forget(record.shellPid);
        }
        return { endpoint, folder, restorable };
      })();
      // A failed start is retried on the next update, not cached forever.
      this.runtime.catch(() => (this.runtime = undefined));
    }
    return this.runtime;
  }

  /** Revokes every token (their files go; the runtime records stay for the next host), stops the endpoint. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    this.ledger.dispose();
    const runtime = this.runtime;
    this.runtime = undefined;
    void runtime
      ?.then(async (r) => {
        r.folder.dispose();
        await r.endpoint.dispose();
      })
      .catch(() => undefined);
  }
}
