/**
 * A strict loopback fake of the AWS console federation endpoint (`/federation`), for tests:
 *  - `Action=getSigninToken`: `Session` must be JSON with exactly sessionId, sessionKey and
 *    sessionToken (non-empty strings); `SessionDuration`, when present, 900..43200; the keys must
 *    be real temporary keys: moto's GetCallerIdentity must accept them and name an assumed role or
 *    federated user, or they must be exactly the credentials moto's GetFederationToken issues (moto
 *    returns fixed ones, learned at start). Answers `{"SigninToken": <random>}`.
 *  - `Action=login`: `SigninToken` must be one it issued (within 15 minutes), `Destination` an
 *    https console URL; answers an HTML page showing the Destination (the e2e's browser lands there).
 *  - anything else: HTTP 400 with the reason.
 * Every request is recorded (with secrets) for assertions; tests must not print them.
 */
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import { STSClient, GetCallerIdentityCommand, GetFederationTokenCommand } from '@aws-sdk/client-sts';

export interface FederationRequest {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  readonly reason?: string;
  /** For getSigninToken: the caller ARN moto named. */
  readonly callerArn?: string;
}

export class FederationFake {
  readonly requests: FederationRequest[] = [];
  private readonly tokens = new Map<string, number>();
  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
    private readonly stsEndpoint: string,
    private readonly motoFederation: { id: string; secret: string; token: string } | undefined,
  ) {}

  /** Starts on 127.0.0.1 (random port); `stsEndpoint` is moto's. */
  static async start(stsEndpoint: string): Promise<FederationFake> {
    const learned = await learnMotoFederationToken(stsEndpoint);
    const holder: { fake?: FederationFake } = {};
    const server = http.createServer((req, res) => void holder.fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    holder.fake = new FederationFake(server, `http://127.0.0.1:${address.port}/federation`, stsEndpoint, learned);
    return holder.fake;
  }

  get signinTokenRequests(): FederationRequest[] {
    return this.requests.filter((r) => r.action === 'getSigninToken');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.endpoint);
    const params = Object.fromEntries(url.searchParams);
    const action = params.Action ?? '';
    const answer = (status: number, body: string, type: string, extra: Partial<FederationRequest> = {}): void => {
      this.requests.push({ action, params, status, ...extra });
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    };
    const reject = (reason: string): void => answer(400, JSON.stringify({ error: reason }), 'application/json', { reason });
    if (req.method !== 'GET' || url.pathname !== '/federation') return reject(`${req.method} ${url.pathname} is not GET /federation`);
    if (action === 'getSigninToken') {
      const problem = this.checkSigninTokenParams(params);
      if (problem) return reject(problem);
      const session = JSON.parse(params.Session!) as { sessionId: string; sessionKey: string; sessionToken: string };
      const verdict = await this.checkKeys(session);
      if ('reason' in verdict) return reject(verdict.reason);
      const token = crypto.randomBytes(48).toString('base64url');
      this.tokens.set(token, Date.now());
      return answer(200, JSON.stringify({ SigninToken: token }), 'application/json', { callerArn: verdict.arn });
    }
    if (action === 'login') {
      const issued = this.tokens.get(params.SigninToken ?? '');
      if (issued === undefined || Date.now() - issued > 15 * 60_000) return reject('SigninToken is not one this endpoint issued in the last 15 minutes');
      const destination = params.Destination ?? '';
      if (!/^https:\/\/([a-z0-9-]+\.)?console\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\/console\/home\?region=[a-z0-9-]+$/.test(destination)) {
        return reject(`Destination "${destination}" is not an AWS console home URL`);
      }
      if (!params.Issuer) return reject('Issuer is missing');
      const escaped = destination.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
      return answer(200, `<!doctype html><title>AWS console (fake)</title><h1>Signed in to the AWS console (test fake)</h1><p>Destination: <code id="destination">${escaped}</code></p>`, 'text/html; charset=utf-8');
    }
    return reject(`Action "${action}" is not getSigninToken or login`);
  }

  private checkSigninTokenParams(params: Record<string, string>): string | undefined {
    const allowed = new Set(['Action', 'Session', 'SessionDuration']);
    const extra = Object.keys(params).filter((k) => !allowed.has(k));
    if (extra.length) return `unexpected parameters: ${extra.join(', ')}`;
    if (params.SessionDuration !== undefined) {
      const n = Number(params.SessionDuration);
      if (!Number.isInteger(n) || n < 900 || n > 43200) return `SessionDuration ${params.SessionDuration} is not an integer in 900..43200`;
    }
    let session: unknown;
    try {
      session = JSON.parse(params.Session ?? '');
    } catch {
      return 'Session is not JSON';
    }
    if (!session || typeof session !== 'object') return 'Session is not a JSON object';
    const keys = Object.keys(session).sort().join(',');
    if (keys !== 'sessionId,sessionKey,sessionToken') return `Session has the fields ${keys}, not sessionId, sessionKey, sessionToken`;
    for (const [k, v] of Object.entries(session)) if (typeof v !== 'string' || v === '') return `Session.${k} is not a non-empty string`;
    return undefined;
  }

  private async checkKeys(s: { sessionId: string; sessionKey: string; sessionToken: string }): Promise<{ arn: string } | { reason: string }> {
    const m = this.motoFederation;
    if (m && s.sessionId === m.id && s.sessionKey === m.secret && s.sessionToken === m.token) return { arn: 'federated-user (moto GetFederationToken)' };
    const client = new STSClient({ region: 'us-east-1', endpoint: this.stsEndpoint, credentials: { accessKeyId: s.sessionId, secretAccessKey: s.sessionKey, sessionToken: s.sessionToken }, maxAttempts: 1 });
    try {
      const arn = (await client.send(new GetCallerIdentityCommand({}))).Arn ?? '';
      if (!/:(assumed-role|federated-user)\//.test(arn)) return { reason: `the keys are not temporary role or federated-user keys (STS says ${arn})` };
      return { arn };
    } catch (e) {
      return { reason: `STS refused the keys: ${e instanceof Error ? e.name : String(e)}` };
    } finally {
      client.destroy();
    }
  }
}

/** moto answers GetFederationToken with fixed credentials: learn them to recognise them. */
async function learnMotoFederationToken(stsEndpoint: string): Promise<{ id: string; secret: string; token: string } | undefined> {
  const client = new STSClient({ region: 'us-east-1', endpoint: stsEndpoint, credentials: { accessKeyId: 'AKIAFEDERATE0EXAMPLE', secretAccessKey: 'fake' }, maxAttempts: 1 });
  try {
    const c = (await client.send(new GetFederationTokenCommand({ Name: 'fake-probe', DurationSeconds: 900 }))).Credentials;
    return c?.AccessKeyId && c.SecretAccessKey && c.SessionToken ? { id: c.AccessKeyId, secret: c.SecretAccessKey, token: c.SessionToken } : undefined;
  } finally {
    client.destroy();
  }
}
