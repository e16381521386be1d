import type { Logger } from '../../src/shared/types';

/** A Logger that keeps every line, so a test can prove no secret was ever logged. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m, e) => lines.push(`${m} ${e instanceof Error ? e.stack ?? e.message : String(e ?? '')}`),
  };
}
