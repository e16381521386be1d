/**
 * One credential endpoint per window, shared by the terminals (src/vscode/terminals/tokenRotation.ts
 * starts it, passed as `startEndpoint`) and debug sessions (which ask for grants on it). No
 * `vscode` import. The first start wins (the terminals' start carries the port to take again after
 * a reload, and runs as soon as endpoint mode has an identity); a failed start is forgotten so the
 * next call tries again. Stopped when the extension stops, whichever side started it (stopping
 * twice is harmless).
 */
import type { Logger } from '../../shared/types';
import { CredentialEndpoint } from '../../terminal/credentialEndpoint';

export class SharedEndpoint {
  private started: Promise<CredentialEndpoint> | undefined;

  constructor(private readonly logger: Logger) {}

  start(preferredPort?: number): Promise<CredentialEndpoint> {
    if (!this.started) {
      const started = CredentialEndpoint.start({ logger: this.logger, ...(preferredPort !== undefined ? { preferredPort } : {}) });
      this.started = started;
      started.catch(() => {
        if (this.started === started) this.started = undefined;
      });
    }
    return this.started;
  }

  dispose(): void {
    void this.started?.then((endpoint) => endpoint.dispose()).catch(() => undefined);
  }
}
