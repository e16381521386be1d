/**
 * The loopback redirect target of the authorization code flow (RFC 8252): an HTTP server on
 * 127.0.0.1, a free port, path /oauth/callback, as the AWS CLI v2 uses. It settles on the first
 * request to that path that carries our `state` (with a code, or with an error), answers a
 * short page, and closes. Anything else (another path, another state, another Host) gets an
 * error page and is otherwise ignored, so a stray or forged request can neither finish nor
 * abort the sign-in.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cancelled, invalidClientMessage, SsoError } from './errors';

export const CALLBACK_PATH = '/oauth/callback';

export interface CallbackServer {
  /** http://127.0.0.1:PORT/oauth/callback */
  readonly redirectUri: string;
  /** The code, once the browser comes back with our state. */
  readonly code: Promise<string>;
  close(): void;
}

const PAGE = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body></html>`;

function answer(res: http.ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
  res.end(PAGE(title, text));
}

/**
 * The sign-in's error for `error=` on the callback. Only access_denied is the user's choice (so
 * only it gets "choose Allow"); a refused client is the registration's fault, and the
 * authorization-code flow registers anew for the next attempt.
 */
function callbackError(error: string, what: string): SsoError {
  if (error === 'access_denied') return new SsoError('denied', `The browser came back without approval while ${what} (error "${error}"). Start the sign-in again and choose Allow on the IAM Identity Center page.`);
  const said = ` (error "${error}" in the browser)`;
  if (error === 'invalid_client' || error === 'unauthorized_client') return new SsoError('invalidClient', invalidClientMessage(what, said));
  return new SsoError('callback', `IAM Identity Center ended the sign-in with an error while ${what}${said}. Start the sign-in again; if it fails the same way, check sso_start_url and sso_region, then report it with the log.`);
}

export async function startCallbackServer(opts: { state: string; timeoutMs?: number; signal?: AbortSignal; what: string }): Promise<CallbackServer> {
  let settle!: { resolve: (c: string) => void; reject: (e: Error) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  // The caller may fail before awaiting `code` (RegisterClient, opening the browser).
  code.catch(() => undefined);
  let done = false;
  const server = http.createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // A page of another origin could reach us through DNS rebinding only under another Host.
    const hostOk = req.headers.host === `127.0.0.1:${port}`;
    if (done || req.method !== 'GET' || url.pathname !== CALLBACK_PATH || !hostOk) {
      return answer(res, 404, 'Not found', 'This is the AWS sign-in callback of VS Code; there is nothing else here.');
    }
    if (url.searchParams.get('state') !== opts.state) {
      return answer(res, 400, 'Sign-in link not recognised', 'This page does not belong to the sign-in VS Code is waiting for. Go back to VS Code and start the sign-in again if needed.');
    }
    const error = url.searchParams.get('error');
    const got = url.searchParams.get('code');
    if (error) {
      answer(res, 200, 'Sign-in not completed', 'IAM Identity Center did not approve the sign-in. You can close this tab and return to VS Code.');
      finish(callbackError(error.slice(0, 60), opts.what));
    } else if (got) {
      answer(res, 200, 'Signed in', 'You are signed in to AWS IAM Identity Center. You can close this tab and return to VS Code.');
      finish(undefined, got);
    } else {
      answer(res, 400, 'Sign-in incomplete', 'The sign-in response had no code. Return to VS Code and start the sign-in again.');
    }
  });
  server.keepAliveTimeout = 1000;
  const timer: { handle?: NodeJS.Timeout } = {};
  const onAbort = (): void => finish(cancelled(`Signing in (${opts.what})`));
  function finish(err: Error | undefined, value?: string): void {
    if (done) return;
    done = true;
    if (timer.handle) clearTimeout(timer.handle);
    opts.signal?.removeEventListener('abort', onAbort);
    server.close();
    server.closeAllConnections?.();
    if (err) settle.reject(err);
    else settle.resolve(value!);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new SsoError('callback', `Could not listen on 127.0.0.1 for the sign-in callback (${(e as NodeJS.ErrnoException).code ?? String(e)}). Use the device code sign-in instead, or check local firewall rules.`, { cause: e })));
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  timer.handle = setTimeout(() => finish(new SsoError('expired', `No approval came back from the browser within ${timeoutMs >= 60_000 ? `${Math.round(timeoutMs / 60_000)} minutes` : `${Math.ceil(timeoutMs / 1000)} seconds`} while ${opts.what}. Start the sign-in again and approve it in the browser.`)), timeoutMs);
  timer.handle.unref();
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const port = (server.address() as AddressInfo).port;
  return { redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`, code, close: () => finish(cancelled(`Signing in (${opts.what})`)) };
}
