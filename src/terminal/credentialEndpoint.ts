/**
 * A loopback "container credentials" endpoint: the HTTP protocol the AWS SDKs and CLIs speak
 * when `AWS_CONTAINER_CREDENTIALS_FULL_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN` are set
 * (botocore's ContainerProvider, the JS SDK's fromHttp). A terminal given those two variables
 * asks this endpoint for credentials whenever its own copy is about to expire, so a shell opened
 * hours ago keeps working without re-exporting anything.
 *
 * PURE CORE: no `vscode` import.
 *
 * Threat model: anything else on this machine can connect to a loopback port (other local users,
 * other processes, and web pages in a browser through DNS rebinding or plain fetch). Therefore:
 *  - every request must carry a 256-bit random token that only the terminals we started hold,
 *    compared in constant time; tokens are per identity and revocable;
 *  - the Host header must name the literal loopback address and port (a rebinding page's request
 *    carries its own host name), and any `Origin` / `Sec-Fetch-*` header (only browsers send them)
 *    is refused; no CORS headers are ever sent, so a preflight always fails;
 *  - only `GET <path>` is served; headers are capped small; a connection that sends nothing, or no
 *    complete request, in time is cut, and when the socket cap is reached the oldest waiting socket
 *    is dropped to make room (a new connection is never refused for it), so a local process holding
 *    a crowd of idle or slow sockets cannot starve the terminals (connectionGuard.ts);
 *  - only temporary credentials (with a session token and an expiration in the future) leave here;
 *  - tokens and credentials are never logged: logs name a grant by a short prefix of the token's
 *    SHA-256, which reveals nothing about the token.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { forgetSecret, rememberSecret } from '../shared/redact';
import { AwsCredentials, Clock, Logger, silentLogger, systemClock } from '../shared/types';
import { ConnectionGuard } from './connectionGuard';
import { toContainerResponse, unusable } from './containerCredentials';
import { PENDING, SOURCE_DEADLINE_MS, SourceWaits } from './sourceDeadline';

/** Something that can hand out the current credentials of one identity. */
export interface CredentialSource {
  /** Shown in logs, e.g. the identity's name and account. Never a secret. */
  readonly label: string;
  /**
   * The identity's current temporary credentials. Expected to be cheap when cached: the source
   * refreshes itself ahead of expiry, so a burst of requests must not turn into STS calls.
   */
  getCredentials(): Promise<AwsCredentials>;
}

/** The right of whoever holds `token` to fetch one identity's credentials from `url`. */
export interface EndpointGrant {
  /** Value for AWS_CONTAINER_AUTHORIZATION_TOKEN. A secret: never log or persist it. */
  readonly token: string;
  /** Value for AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  readonly url: string;
  /** Short, non-reversible name of the token for logs (a prefix of its SHA-256). */
  readonly id: string;
  readonly label: string;
  /** True until `revoke()` (or the endpoint's disposal). */
  readonly active: boolean;
  /** From now on the token is refused. Idempotent. */
  revoke(): void;
}

export interface CredentialEndpointOptions {
  logger?: Logger;
  /** Only the IPv4 loopback address is supported; the option exists to make that explicit. */
  host?: '127.0.0.1';
  /** Used to refuse serving credentials that are already expired. */
  clock?: Clock;
  /**
   * A port to try first (the one the previous extension host used, so terminals opened before a
   * window reload find this endpoint again). Any other port is taken when it is not free.
   */
  preferredPort?: number;
}

export interface EndpointStats {
  /** Requests that reached the HTTP layer (parsed headers). */
  requests: number;
  /** Answered 200 with credentials. */
  served: number;
  /** Answered 4xx (wrong method, path, host, origin or token). */
  refused: number;
  /** Answered 500 because the source failed or returned unusable credentials. */
  failed: number;
  /** Waiting sockets dropped to make room for new connections at the cap. */
  evicted: number;
  /** Sockets cut for sending nothing, or no complete request, in time. */
  cut: number;
}

/** Why a request was refused; also the stable `Code` in the JSON error body. */
type Refusal = 'MethodNotAllowed' | 'NotFound' | 'BadHost' | 'BrowserRequest' | 'MissingToken' | 'InvalidToken' | 'UnexpectedBody';

const PATH = '/aws-identity/credentials';
/** Our clients send ~200 bytes of headers; anything near this limit is not one of them. */
const MAX_HEADER_BYTES = 4096;
/**
 * Node's own slow-loris defences: only a backstop far behind the connection guard, which cuts
 * first and paced (Node's check cuts every expired socket in one pass, and they all come back at once).
 */
const HEADERS_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 30_000;
const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;
/** A socket with no activity at all for this long (e.g. while its answer waits on a source) is cut. */
const IDLE_SOCKET_TIMEOUT_MS = 5_000;
const KEEP_ALIVE_TIMEOUT_MS = 1_000;
/** Pending connections the OS may queue while the event loop is busy (capped by somaxconn). */
const LISTEN_BACKLOG = 2048;
/** Refusals are logged at most this often per reason, so a flood cannot flood the log. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

interface GrantRecord {
  readonly digest: Buffer;
  readonly id: string;
  readonly source: CredentialSource;
  active: boolean;
}

/**
 * The loopback credential server. Start one per window with {@link CredentialEndpoint.start}; give
 * each identity a {@link EndpointGrant} and put its `url` and `token` in a terminal's environment.
 */
export class CredentialEndpoint {
  /** `http://127.0.0.1:<port>/aws-identity/credentials` */
  readonly url: string;
  readonly stats: EndpointStats = { requests: 0, served: 0, refused: 0, failed: 0, evicted: 0, cut: 0 };

  private readonly grants = new Set<GrantRecord>();
  private readonly guard = new ConnectionGuard(this.stats);
  /** A source that does not answer in time gets the client a 500 saying why (sourceDeadline.ts). */
  private readonly waits = new SourceWaits();
  private readonly lastRefusalLog = new Map<Refusal, { at: number; suppressed: number }>();
  private disposed = false;

  private constructor(
    private readonly server: http.Server,
    private readonly port: number,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.url = `http://127.0.0.1:${port}${PATH}`;
  }

  /** The port listened on. */
  get listeningPort(): number {
    return this.port;
  }

  /** Listens on 127.0.0.1 on `preferredPort` when it is free, else on a port the OS picks. */
  static async start(options: CredentialEndpointOptions = {}): Promise<CredentialEndpoint> {
    const host = options.host ?? '127.0.0.1';
    if (host !== '127.0.0.1') {
      throw new Error(`The credential endpoint only listens on 127.0.0.1, not ${String(host)}.`);
    }
    const server = http.createServer({
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS,
      requireHostHeader: true,
      // Answers are one small write: never wait for an ACK before sending it (Nagle).
      noDelay: true,
    });
    server.setTimeout(IDLE_SOCKET_TIMEOUT_MS, (socket) => socket.destroy());
    const listen = (port: number): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port, exclusive: true, backlog: LISTEN_BACKLOG }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    const preferred = options.preferredPort;
    let reused = false;
    if (preferred !== undefined && Number.isInteger(preferred) && preferred > 0 && preferred < 65536) {
      try {
        await listen(preferred);
        reused = true;
      } catch {
        // Taken (possibly by another process waiting for our terminals): any port will do.
      }
    }
    if (!reused) await listen(0);
    // A running endpoint must never keep a process (a test run, the extension host on exit) alive.
    server.unref();
    const port = (server.address() as AddressInfo).port;
    const endpoint = new CredentialEndpoint(server, port, options.logger ?? silentLogger, options.clock ?? systemClock);
    endpoint.attach();
    endpoint.logger.info(
      `Credential endpoint listening on ${endpoint.url}` + (preferred === undefined ? '' : reused ? ' (the previous port, taken again)' : ` (port ${preferred} was not free)`),
    );
    return endpoint;
  }

  /** Issues a new random token that fetches `source`'s credentials until revoked. */
  grant(source: CredentialSource): EndpointGrant {
    if (this.disposed) throw new Error('The credential endpoint has been stopped; start a new one to grant access.');
    const token = randomBytes(32).toString('hex');
    rememberSecret(token); // masked should it ever reach a log line
    const digest = sha256(token);
    const record: GrantRecord = { digest, id: digest.toString('hex').slice(0, 8), source, active: true };
    this.grants.add(record);
    this.logger.info(`Granted terminal access to ${source.label} (grant ${record.id})`);
    const grants = this.grants;
    const logger = this.logger;
    return {
      token,
      url: this.url,
      id: record.id,
      label: source.label,
      get active() {
        return record.active;
      },
      revoke() {
        if (!record.active) return;
        record.active = false;
        grants.delete(record);
        forgetSecret(token);
        logger.info(`Revoked grant ${record.id} (${source.label})`);
      },
    };
  }

  /** Revokes every grant, closes every socket and stops listening. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const g of this.grants) g.active = false;
    this.grants.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.guard.destroyAll();
    await closed;
    this.logger.info('Credential endpoint stopped');
  }

  private attach(): void {
    this.server.on('connection', (socket: Socket) => this.guard.connected(socket));
    // Malformed requests, oversized headers and timeouts land here: answer briefly, never echo.
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
    this.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.stats.requests++;
      const socket = req.socket;
      this.guard.requestStarted(socket);
      const outcome = { trusted: false };
      // Kept alive: the next request must come as promptly as the first.
      res.once('close', () => this.guard.requestFinished(socket, outcome.trusted));
      this.handle(req, res, outcome).catch((e: unknown) => {
        // handle() answers every error itself; reaching here means the response itself broke.
        this.logger.error('Credential endpoint failed to answer a request', e);
        res.destroy();
      });
    });
  }

  /** Answers `req`; `outcome.trusted` is set (before answering) when it presented a valid token. */
  private async handle(req: http.IncomingMessage, res: http.ServerResponse, outcome: { trusted: boolean }): Promise<void> {
    // Never read a body: a GET has none, and reading one would let a client hold the socket.
    req.resume();
    const refusal = this.check(req);
    if (typeof refusal === 'string') return this.refuse(res, refusal);
    outcome.trusted = true;
    const source = refusal.source;
    let creds: AwsCredentials;
    try {
      creds = await this.waits.get(source, () => source.getCredentials());
    } catch (e) {
      if (e === PENDING) {
        this.logger.warn(`Credentials for ${source.label} (grant ${refusal.id}) were not ready within ${SOURCE_DEADLINE_MS} ms: answered 500`);
        this.stats.failed++;
        return this.send(res, 500, {
          Code: 'CredentialsPending',
          Message:
            `AWS Identity Switcher is still getting credentials for ${source.label}: they are being renewed, which may wait for an MFA code or a sign-in in VS Code. ` +
            "Enter the code or sign in where VS Code's notification asks, then run the command again.",
        });
      }
      this.stats.failed++;
      this.logger.error(`Could not get credentials for ${source.label} (grant ${refusal.id})`, e);
      return this.send(res, 500, {
        Code: 'CredentialsUnavailable',
        Message:
          `AWS Identity Switcher could not get credentials for ${source.label}: ${describe(e)}. ` +
          'Check the identity in the AWS Identity view of VS Code (it may need MFA or a new sign-in), then run the command again.',
      });
    }
    const problem = unusable(creds, this.clock.now());
    if (problem) {
      this.stats.failed++;
      this.logger.error(`Refused to serve credentials for ${source.label} (grant ${refusal.id}): ${problem}`);
      return this.send(res, 500, {
        Code: 'CredentialsUnusable',
        Message: `AWS Identity Switcher did not serve credentials for ${source.label}: ${problem}. Re-select the identity in VS Code, then open a new terminal.`,
      });
    }
    // The revocation may have happened while the source was refreshing.
    if (!refusal.active) return this.refuse(res, 'InvalidToken');
    this.stats.served++;
    this.send(res, 200, toContainerResponse(creds));
  }

  /** Returns the grant the request proves it holds, or why it is refused. Cheap checks first. */
  private check(req: http.IncomingMessage): GrantRecord | Refusal {
    if (req.method !== 'GET') return 'MethodNotAllowed';
    // Exact match: a query string or a trailing path is not one of our clients.
    if (req.url !== PATH) return 'NotFound';
    if (req.headers.host !== `127.0.0.1:${this.port}`) return 'BadHost';
    if (req.headers.origin !== undefined || Object.keys(req.headers).some((h) => h.startsWith('sec-fetch-'))) return 'BrowserRequest';
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) return 'UnexpectedBody';
    const token = req.headers.authorization;
    if (!token) return 'MissingToken';
    const presented = sha256(token);
    // Compare against every grant without stopping early, so timing says nothing about which matched.
    let match: GrantRecord | undefined;
    for (const g of this.grants) {
      if (timingSafeEqual(g.digest, presented) && g.active) match = g;
    }
    return match ?? 'InvalidToken';
  }

  private refuse(res: http.ServerResponse, why: Refusal): void {
    this.stats.refused++;
    this.logRefusal(why);
    const [status, message] = REFUSALS[why];
    if (why === 'MethodNotAllowed') res.setHeader('Allow', 'GET');
    // A refused client gets no second chance on this socket.
    res.setHeader('Connection', 'close');
    this.send(res, status, { Code: why, Message: message });
  }

  private send(res: http.ServerResponse, status: number, body: object): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(text);
  }

  private logRefusal(why: Refusal): void {
    const now = this.clock.now();
    const last = this.lastRefusalLog.get(why);
    if (last && now - last.at < REFUSAL_LOG_INTERVAL_MS) {
      last.suppressed++;
      return;
    }
    const more = last?.suppressed ? ` (${last.suppressed} more since the last report)` : '';
    this.lastRefusalLog.set(why, { at: now, suppressed: 0 });
    this.logger.warn(`Credential endpoint refused a request: ${why}${more}`);
  }
}

const REFUSALS: Record<Refusal, [number, string]> = {
  MethodNotAllowed: [405, 'Only GET is served.'],
  NotFound: [404, 'Unknown path.'],
  BadHost: [421, 'The Host header must name this loopback address and port.'],
  BrowserRequest: [403, 'Requests from web pages are refused.'],
  UnexpectedBody: [400, 'A request body is not accepted.'],
  MissingToken: [
    401,
    'No authorization token. Terminals get it through the file named by AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE; a client that predates that variable ' +
      '(such as AWS CLI v2 before late 2023) sends none: update it, or choose environment variables for terminals (setting awsIdentity.terminal.credentials).',
  ],
  InvalidToken: [
    401,
    'The authorization token is not valid (it may belong to a terminal for an identity that is no longer in use). Open a new terminal in VS Code.',
  ],
};

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A message safe to send to a terminal: the error's message only, never its properties. */
function describe(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
