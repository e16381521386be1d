/**
 * Which extension called the API, for the log and the status bar: best-effort, from the call
 * stack. The API methods capture `new Error().stack` synchronously on entry, while the caller's
 * frame is still on the stack, and the first frame outside this extension is matched against the
 * install folders of the loaded extensions.
 *
 * Only for telling the user who did something, never for deciding what is allowed: code in the
 * extension host can shape its own stack (Error.prepareStackTrace, calling through another
 * extension's function). Permission comes from the session VS Code gives an allowed extension.
 *
 * No `vscode` import: unit-tested under plain mocha; apiCaller() in api.ts supplies the extensions.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface KnownExtension {
  readonly id: string;
  readonly displayName?: string;
  readonly extensionPath: string;
}

export interface Caller {
  /** e.g. `publisher.name`; undefined when no frame was in a known extension's folder. */
  readonly id?: string;
  /** For the user: the display name, else the id, else "an unidentified extension". */
  readonly label: string;
}

export const UNKNOWN_CALLER: Caller = { label: 'an unidentified extension' };

/** The file of each frame of a V8 stack, in order (skips the message line and native frames). */
export function stackFiles(stack: string): string[] {
  const files: string[] = [];
  for (const line of stack.split('\n')) {
    // "    at fn (/a/b.js:1:2)", "    at /a/b.js:1:2", "    at async fn (file:///a/b.js:1:2)"
    const m = /^\s*at (?:.*?\()?((?:file:\/\/)?\/[^()]*?|[A-Za-z]:\\[^()]*?):\d+:\d+\)?\s*$/.exec(line);
    if (!m?.[1]) continue;
    let file = m[1];
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    files.push(file);
  }
  return files;
}

function inside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The extension whose code made the call: the first frame outside `self` (this extension's
 * folder), matched to the extension with the longest folder containing it. When every frame is
 * inside `self`, the caller is `self` itself (its tests, in practice).
 */
export function callerFromStack(stack: string | undefined, extensions: readonly KnownExtension[], self: KnownExtension): Caller {
  if (!stack) return UNKNOWN_CALLER;
  const files = stackFiles(stack);
  const outside = files.find((f) => !inside(f, self.extensionPath));
  if (outside === undefined) return files.length > 0 ? describe(self) : UNKNOWN_CALLER;
  let best: KnownExtension | undefined;
  for (const ext of extensions) {
    if (ext.id === self.id || !inside(outside, ext.extensionPath)) continue;
    if (!best || ext.extensionPath.length > best.extensionPath.length) best = ext;
  }
  return best ? describe(best) : UNKNOWN_CALLER;
}

function describe(ext: KnownExtension): Caller {
  return { id: ext.id, label: ext.displayName?.trim() || ext.id };
}

/** "Display Name (publisher.name)", or the label alone when the id is unknown or the same. */
export function callerText(caller: Caller): string {
  return caller.id && caller.id !== caller.label ? `"${caller.label}" (${caller.id})` : caller.id ? caller.id : caller.label;
}
