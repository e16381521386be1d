import * as vscode from 'vscode';
import type { Logger } from '../shared/types';
import { redact } from '../shared/redact';

/**
 * The extension's log: one LogOutputChannel ("AWS Identity"), reachable from the
 * "AWS Identity: Show Log" command. Everything passes through `redact` first.
 */
export class Log implements Logger, vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor(name = 'AWS Identity') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  info(message: string): void {
    this.channel.info(redact(message));
  }

  warn(message: string): void {
    this.channel.warn(redact(message));
  }

  error(message: string, error?: unknown): void {
    const detail = error instanceof Error ? `\n${error.stack ?? error.message}` : error === undefined ? '' : `\n${String(error)}`;
    this.channel.error(redact(message + detail));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
