/**
 * Starts a real STS (moto_server) on a free loopback port for a test run, and stops it.
 * Fails loudly when moto_server is missing: tests never skip silently.
 */
import { spawn, ChildProcess, execFileSync } from 'node:child_process';
import * as net from 'node:net';
import * as http from 'node:http';

export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  /** Clears moto's state (roles, sessions) between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

let checkedMoto: string | undefined;
export function motoBinary(): string {
  const bin = process.env.MOTO_SERVER ?? 'moto_server';
  if (checkedMoto === bin) return bin; // `moto_server --help` takes about 0.5 s: once per process
  try {
    execFileSync(bin, ['--help'], { stdio: 'ignore', timeout: 30_000 });
  } catch {
    throw new Error(
      `moto_server was not found or does not run (tried "${bin}"). The tests need a real STS: ` +
        'install moto with its server extras (pip install "moto[server]") or set MOTO_SERVER to its path.',
    );
  }
  return (checkedMoto = bin);
}

function request(url: string, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** Waits until `probe` resolves true, polling; throws with `what` after `timeoutMs`. */
export async function waitFor(probe: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

export async function startMoto(): Promise<MotoServer> {
  const bin = motoBinary();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  await waitFor(async () => {
    if (exited) throw new Error(`moto_server exited: ${stderr}`);
    return (await request(`${endpoint}/moto-api/`)) < 500;
  }, `moto_server on ${endpoint}`);
  return {
    endpoint,
    port,
    reset: async () => {
      await request(`${endpoint}/moto-api/reset`, 'POST');
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
