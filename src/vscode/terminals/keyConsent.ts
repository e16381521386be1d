/**
 * The question "may the AWS keys go where VS Code saves terminals?" (environment mode with
 * persistent sessions on; src/terminal/persistence.ts decides when it is asked): a modal asked once
 * per workspace, its answer kept in a workspace Memento until the user asks for the modal again
 * ("Change Where Terminal Keys Go…", ConsentPrompt.choose).
 */
import * as vscode from 'vscode';
import type { Logger } from '../../shared/types';
import { consentDetail, type KeyConsent } from '../../terminal/persistence';

/** Where the answer is kept: a workspace Memento fits. */
export interface ConsentMemory {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/** The answer, and how to ask for it. */
export interface KeyConsentStore {
  get(): KeyConsent;
  /** Asks; an answer replaces the stored one, dismissing keeps it. `current` is named in the modal. */
  ask(notice: string, current?: KeyConsent): Promise<KeyConsent>;
}

const CONSENT_KEY = 'awsIdentity.terminal.persistedKeysConsent';

/** In-memory stand-in for a Memento: the answer lasts until the window reloads. */
export class SessionMemory implements ConsentMemory {
  private readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Thenable<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
}

/** The modal, with the answer kept in `memory` (dismissing it answers nothing and keeps nothing). */
export function keyConsentModal(memory: ConsentMemory): KeyConsentStore {
  return {
    get: () => memory.get<KeyConsent>(CONSENT_KEY),
    ask: async (notice, current) => {
      const all = 'Put Keys in All Terminals';
      const own = 'Only in AWS Identity Terminals';
      const answer = await vscode.window.showWarningMessage(
        'AWS Identity: terminals need the AWS keys in their environment.',
        { modal: true, detail: consentDetail(notice, current) },
        all,
        own,
      );
      const consent: KeyConsent = answer === all ? 'allowed' : answer === own ? 'declined' : undefined;
      if (consent) await memory.update(CONSENT_KEY, consent);
      return consent;
    },
  };
}

/** Asks at most one question at a time; a dismissed question is asked again on the next change. */
export class ConsentPrompt {
  private asked = false;

  constructor(
    private readonly store: KeyConsentStore | undefined,
    private readonly logger: Logger,
  ) {}

  get(): KeyConsent {
    return this.store?.get();
  }

  /** Asks unless already asked; `answered` runs when the user chose (so the terminals follow it). */
  ask(notice: string, answered: () => void): void {
    const store = this.store;
    if (!store || this.asked) return;
    this.asked = true;
    void store.ask(notice).then(
      (answer) => {
        if (answer !== undefined) answered();
        else this.asked = false; // dismissed: ask again on the next change
      },
      (e: unknown) => this.logger.error('Asking about terminal keys failed', e),
    );
  }

  /**
   * Asks now, whatever was answered before (the command "Change Where Terminal Keys Go…"): an
   * answer replaces the stored one, dismissing keeps it. Resolves with the answer, if any; the
   * caller makes the terminals follow it.
   */
  async choose(question: string): Promise<KeyConsent> {
    const store = this.store;
    if (!store) return undefined;
    return store.ask(question, store.get());
  }
}
