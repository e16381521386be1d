import * as vscode from 'vscode';
import * as fs from 'node:fs/promises';
import type { ConfigPaths } from '../config/configFiles';
import { maskSecrets } from './secretMasking';

/** The scheme of the read-only, masked views of the shared files. */
export const MASKED_SCHEME = 'aws-identity-masked';

/** The masked view of `file` (one of the shared files); served once MaskedDocuments is registered. */
export function maskedUri(file: string): vscode.Uri {
  return vscode.Uri.file(file).with({ scheme: MASKED_SCHEME, query: 'secrets-masked' });
}

/**
 * Serves `aws-identity-masked:` documents: the AWS config or credentials file with every secret
 * value masked (secretMasking.ts), read-only (VS Code does not let the user edit a content
 * provider's document, so nothing is backed up by hot exit). Only the two shared files can be
 * shown: any extension can open a URI of this scheme, and it must not become a way to read
 * other files through this extension.
 */
export class MaskedDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(private readonly paths: () => ConfigPaths) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(MASKED_SCHEME, this);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const file = uri.with({ scheme: 'file', query: '' }).fsPath;
    const { configFile, credentialsFile } = this.paths();
    if (file !== configFile && file !== credentialsFile) {
      return `# Not shown: ${MASKED_SCHEME}: documents show only the AWS config and credentials files (${configFile}, ${credentialsFile}).\n`;
    }
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      return `# ${file} could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)}). Check that it exists and that you may read it, then run "Open in Config File" again.\n`;
    }
    return maskSecrets(text);
  }

  dispose(): void {
    this.registration.dispose();
  }
}
