import * as vscode from 'vscode';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import type { Logger, ProfileInfo, ProfileListing, ProfileModel } from '../shared/types';
import { resolveConfigPaths, type ConfigPaths } from '../config/configFiles';
import { type FolderWatch, watchFolder } from './folderWatcher';
import { type ConfigSnapshot, readConfigSnapshot } from '../config/snapshot';

/**
 * The current snapshot of the shared config files (see ConfigSnapshot): the one reading the tree,
 * the pickers, the check before a switch and the switch itself share. Read lazily (the first time
 * the tree or a command needs it, never at activation) and dropped when either file is created,
 * changed or deleted, so edits show without reloading the window. Each profile is described when
 * first asked for (see ProfileListing), so the view's first rows do not wait for all of them.
 */
export class ProfileStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProfileListing>();
  readonly onDidChange = this.changed.event;
  private current: Promise<ConfigSnapshot> | undefined;
  /** A watcher per file watched: the files read, and the files they are symlinks to. */
  private watchers = new Map<string, FolderWatch>();
  private debounce: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get paths(): ConfigPaths {
    return resolveConfigPaths(this.env);
  }

  /** The files as read and indexed, reading them on first use and after either file changed. */
  snapshot(): Promise<ConfigSnapshot> {
    if (!this.current) this.current = this.read();
    return this.current;
  }

  /** The profiles of the current snapshot. */
  async listing(): Promise<ProfileListing> {
    return (await this.snapshot()).listing;
  }

  /** Every profile described (the pickers, the API). */
  async model(): Promise<ProfileModel> {
    return (await this.listing()).model();
  }

  /** One profile, described on its own (see ProfileListing.profile); undefined when there is none. */
  async profile(name: string): Promise<ProfileInfo | undefined> {
    return (await this.listing()).profile(name);
  }

  /** Re-reads the files now (the "Reload Profiles" command and file events). */
  async reload(): Promise<ProfileListing> {
    const next = this.read();
    this.current = next;
    const { listing } = await next;
    this.changed.fire(listing);
    return listing;
  }

  /**
   * Why `name` cannot be used, or undefined when it can: its plan's problem in the current
   * snapshot (a missing profile and one without credentials included). Checked before each switch.
   */
  async problemOf(name: string): Promise<string | undefined> {
    const plan = (await this.snapshot()).plan(name);
    return 'problem' in plan ? plan.problem : undefined;
  }

  private async read(): Promise<ConfigSnapshot> {
    await this.watchFiles();
    const started = performance.now();
    const snapshot = await readConfigSnapshot(this.paths, { logger: this.log });
    const { listing } = snapshot;
    this.log.info(`Read ${listing.total} profiles from ${listing.configFile} and ${listing.credentialsFile} in ${(performance.now() - started).toFixed(1)} ms`);
    for (const problem of listing.fileProblems) this.log.warn(problem);
    return snapshot;
  }

  /**
   * Watches the files each reading reads, whoever asked for it first (the view, a picker, "Reload
   * Profiles"), and again when the files are others (AWS_CONFIG_FILE changed). A folder that does
   * not exist yet is watched for (folderWatcher.ts): the first config file often makes it.
   *
   * A file that is a symlink (~/.aws/config -> ~/dotfiles/aws/config, as GNU stow makes) is
   * watched in both folders: the link's folder sees the link made, removed or re-pointed, but
   * nothing when the file it points to is written, which only its own folder sees. The real paths
   * are resolved at every reading, so a re-pointed link (whose event starts one) moves the watch.
   */
  private async watchFiles(): Promise<void> {
    const { configFile, credentialsFile } = this.paths;
    const files = [...new Set([configFile, credentialsFile])];
    const targets = await Promise.all(files.map(realPathOf));
    // A reading that outlived the store (the window closing) must not start watchers nobody disposes.
    if (this.disposed) return;
    const watches = new Set([...files, ...targets]);
    for (const [file, watcher] of this.watchers) {
      if (watches.has(file)) continue;
      watcher.dispose();
      this.watchers.delete(file);
    }
    // Watchers kept are not made again: a new one misses what happens while VS Code starts it.
    for (const file of watches) {
      const kept = this.watchers.get(file);
      // A folder made since (by "Open AWS Config File", say) is watched at once, not on the parent's event.
      if (kept) kept.recheck();
      else this.watchers.set(file, this.watch(file));
    }
  }

  /** A pattern relative to the file's folder also reports the file's creation and deletion. */
  private watch(file: string): FolderWatch {
    return watchFolder(path.dirname(file), path.basename(file), () => {
      // Dropped at once: a switch right after an edit reads the edited file, not the old snapshot.
      this.current = undefined;
      this.scheduleReload();
    });
  }

  private scheduleReload(): void {
    // Editors often write a file in several steps; read once they are done.
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.reload();
    }, 150);
  }

  dispose(): void {
    this.disposed = true;
    if (this.debounce) clearTimeout(this.debounce);
    for (const w of this.watchers.values()) w.dispose();
    this.changed.dispose();
  }
}

/**
 * Where `file` really is, symlinks followed; the path itself when it is none or cannot be resolved.
 * A link to a file not made yet gives its target's path, so the file's creation there is seen.
 */
async function realPathOf(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch {
    try {
      return path.resolve(path.dirname(file), await fs.readlink(file));
    } catch {
      return file;
    }
  }
}
