/**
 * A loopback proxy in front of moto that can answer chosen STS actions with a fault instead of
 * forwarding them. It is a STRICT MOCK, used only for STS failure modes moto cannot produce:
 * throttling, 5xx, stalled responses, DurationSeconds above the role's MaxSessionDuration or the
 * role-chaining limit, a wrong MFA code, ExpiredToken. The error bodies are STS's real
 * query-protocol error XML with the status codes STS documents for them. Everything not
 * intercepted goes to the real moto unchanged.
 *
 * Strict: a fault names the action it is for and how many times it applies; `assertConsumed()`
 * fails a test whose configured faults were not all hit, so a test cannot pass without going
 * through the failure it claims to exercise.
 *
 * It can also hold the requests for an action until the test lets them go (`hold`, `release`),
 * so a race between two STS calls is set up on purpose, not left to timing.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface StsErrorReply {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly type?: 'Sender' | 'Receiver';
}

export interface Fault {
  /** STS action the fault applies to, e.g. `AssumeRole`. */
  readonly action: string;
  /** How many matching requests get the fault (default 1). */
  readonly times?: number;
  /**
   * An STS error answer; `stall`: accept the request and never answer (the client must time out);
   * or a raw non-STS answer (what a corporate proxy or a wrong endpoint sends).
   */
  readonly reply: StsErrorReply | 'stall' | { readonly raw: { readonly status: number; readonly body: string } };
}

/** The STS faults used by the tests, with STS's own codes, statuses and wording. */
export const STS_FAULTS = {
  throttling: { status: 400, code: 'Throttling', message: 'Rate exceeded' },
  internalFailure: { status: 500, code: 'InternalFailure', message: 'An internal error occurred.', type: 'Receiver' },
  serviceUnavailable: { status: 503, code: 'ServiceUnavailable', message: 'Service Unavailable', type: 'Receiver' },
  expiredToken: { status: 400, code: 'ExpiredToken', message: 'The security token included in the request is expired' },
  durationOverMax: { status: 400, code: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' },
  durationOverChainLimit: { status: 400, code: 'ValidationError', message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.' },
  wrongMfaCode: { status: 403, code: 'AccessDenied', message: 'MultiFactorAuthentication failed with invalid MFA one time pass code. ' },
  malformedArn: { status: 400, code: 'ValidationError', message: "1 validation error detected: Value 'arn:aws:iam::123:role/x' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20" },
  regionDisabled: { status: 403, code: 'RegionDisabledException', message: 'STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console.' },
} satisfies Record<string, StsErrorReply>;

export function stsErrorXml(reply: StsErrorReply): string {
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' +
    `<Error><Type>${reply.type ?? 'Sender'}</Type><Code>${escape(reply.code)}</Code><Message>${escape(reply.message)}</Message></Error>` +
    '<RequestId>0f9a7b1c-fault-proxy-0000-000000000000</RequestId></ErrorResponse>'
  );
}

interface ActiveFault {
  readonly fault: Fault;
  remaining: number;
}

export interface ResponseRewrite {
  readonly action: string;
  /** Only requests whose form parameters match (default: every request for `action`). */
  readonly when?: (params: URLSearchParams) => boolean;
  readonly rewrite: (body: string) => string;
  /** How many matching answers to change (default 1). */
  readonly times?: number;
}

export interface ProxiedRequest {
  readonly action: string;
  /** True when a fault answered it instead of moto. */
  readonly faulted: boolean;
  /** The request's User-Agent header (it carries the SDK's `app/ID` when an app id is set). */
  readonly userAgent: string;
  /** The MFA code it carried (STS spends a code on the first request that presents it). */
  readonly tokenCode: string | undefined;
}

export class FaultProxy {
  private faults: ActiveFault[] = [];
  private readonly sockets = new Set<Socket>();
  readonly requests: ProxiedRequest[] = [];
  private readonly responseListeners: Array<(action: string, body: string) => void> = [];
  private readonly rewrites: Array<ResponseRewrite & { remaining: number }> = [];
  private readonly held = new Set<string>();
  private waiting: Array<() => void> = [];

  private constructor(
    private readonly server: http.Server,
    private readonly upstream: URL,
  ) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Starts a proxy on a free loopback port in front of `upstream` (moto's endpoint). */
  static async start(upstream: string): Promise<FaultProxy> {
    const server = http.createServer();
    const proxy = new FaultProxy(server, new URL(upstream));
    server.on('request', (req, res) => proxy.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Called with every answer moto gives (not the injected faults), e.g. to record issued credentials. */
  onUpstreamResponse(listener: (action: string, body: string) => void): void {
    this.responseListeners.push(listener);
  }

  /**
   * Changes moto's next real answer(s) to `action` (matching `when`). Only for what no real STS
   * can be made to do on demand, e.g. credentials that expire in a minute (STS issues at least
   * 15 minutes) so a renewal happens while a test watches. Strict like faults: counted, one-shot.
   */
  rewriteNext(rewrite: ResponseRewrite): void {
    this.rewrites.push({ ...rewrite, remaining: rewrite.times ?? 1 });
  }

  inject(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!(times > 0)) throw new Error(`A fault must apply at least once (got times=${times}).`);
    this.faults.push({ fault, remaining: times });
  }

  /** Requests for `action` wait, recorded but unanswered, until `release()`. */
  hold(action: string): void {
    this.held.add(action);
  }

  /** Lets the held requests go on, and every later one pass. */
  release(): void {
    this.held.clear();
    for (const go of this.waiting.splice(0)) go();
  }

  /** Whether a request is being held at the moment. */
  get holding(): boolean {
    return this.waiting.length > 0;
  }

  /** Requests seen for `action` (faulted or forwarded). */
  count(action: string): number {
    return this.requests.filter((r) => r.action === action).length;
  }

  /** Fails when an injected fault was not (fully) used: the test did not exercise it. */
  assertConsumed(): void {
    const left = this.faults.filter((f) => f.remaining > 0 && f.remaining !== Infinity);
    if (left.length) {
      throw new Error(`Fault proxy: ${left.map((f) => `${f.fault.action} x${f.remaining}`).join(', ')} not used`);
    }
  }

  reset(): void {
    this.release();
    this.faults = [];
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    this.release();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(body.toString('utf8'));
      const action = params.get('Action') ?? '?';
      const userAgent = req.headers['user-agent'] ?? '';
      const tokenCode = params.get('TokenCode') ?? undefined;
      if (this.held.has(action)) {
        this.requests.push({ action, faulted: false, userAgent, tokenCode });
        this.waiting.push(() => this.forward(req, res, body, params, action));
        return;
      }
      const active = this.faults.find((f) => f.fault.action === action && f.remaining > 0);
      if (active) {
        active.remaining--;
        this.requests.push({ action, faulted: true, userAgent, tokenCode });
        if (active.fault.reply === 'stall') return; // never answered; stop() destroys the socket
        if ('raw' in active.fault.reply) {
          const { status, body: text } = active.fault.reply.raw;
          res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(text) });
          res.end(text);
          return;
        }
        const xml = stsErrorXml(active.fault.reply);
        res.writeHead(active.fault.reply.status, { 'content-type': 'text/xml', 'x-amzn-requestid': '0f9a7b1c-fault-proxy', date: new Date().toUTCString(), 'content-length': Buffer.byteLength(xml) });
        res.end(xml);
        return;
      }
      this.requests.push({ action, faulted: false, userAgent, tokenCode });
      this.forward(req, res, body, params, action);
    });
  }

  /** Sends the request to moto and its answer back (rewritten if a rewrite applies). */
  private forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, params: URLSearchParams, action: string): void {
    const upstreamReq = http.request(
      // Headers unchanged, Host included: it is part of the SigV4 signature moto checks with IAM authorization on.
      { host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        const rewrite = this.rewrites.find((r) => r.action === action && r.remaining > 0 && (r.when?.(params) ?? true));
        const seen: Buffer[] = [];
        if (rewrite) {
          rewrite.remaining--;
          // moto's real answer, changed as the rewrite says, then sent whole.
          upstreamRes.on('data', (c: Buffer) => seen.push(c));
          upstreamRes.on('end', () => {
            const text = rewrite.rewrite(Buffer.concat(seen).toString('utf8'));
            res.writeHead(upstreamRes.statusCode ?? 502, { ...upstreamRes.headers, 'content-length': String(Buffer.byteLength(text)) });
            res.end(text);
            for (const listener of this.responseListeners) listener(action, text);
          });
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.on('data', (c: Buffer) => {
          seen.push(c);
          res.write(c);
        });
        upstreamRes.on('end', () => {
          res.end();
          for (const listener of this.responseListeners) listener(action, Buffer.concat(seen).toString('utf8'));
        });
      },
    );
    upstreamReq.on('error', (e) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy could not reach moto: ${e.message}`);
    });
    upstreamReq.end(body);
  }
}
