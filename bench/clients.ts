/**
 * Runs real AWS clients (the AWS CLI v1 and v2, boto3) as child processes with exactly the
 * environment given, timing each from spawn to exit.
 */
import { execFile } from 'node:child_process';
import { nowMs } from './lib';

export interface TimedRun {
  readonly ms: number;
  readonly stdout: string;
}

/** Runs `file args` and resolves with its wall time; rejects (with its output) when it fails. */
export function timedRun(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<TimedRun> {
  const t0 = nowMs();
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { env, timeout: timeoutMs, encoding: 'utf8', cwd: '/' }, (err, stdout, stderr) => {
      const ms = nowMs() - t0;
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve({ ms, stdout: stdout.trim() });
    });
  });
}
