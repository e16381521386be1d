/**
 * A strict loopback fake of the AWS console federation endpoint (`/federation`), for tests:
 *  - `Action=getSigninToken`: `Session` must be JSON with exactly sessionId, sessionKey and
 *    sessionToken (non-empty strings); `SessionDuration`, when present, 900..43200; the keys must
 *    be real temporary keys: moto's GetCallerIdentity must accept them and name an assumed role or
 *    federated user, or they must be exactly the credentials moto's GetFederationToken issues (moto
 *    returns fixed ones, learned at start). As AWS does (HTTP 400, "Invalid credentials
 *    parameter"), it refuses a `SessionDuration` with federated-user credentials and with a
 *    chained role session: one whose AssumeRole was signed with another role session's keys, as
 *    seen by its STS relay (below). Answers `{"SigninToken": <random>}`.
 *  - `Action=login`: exactly Action, Issuer, Destination and SigninToken; `SigninToken` one it
 *    issued (within 15 minutes), `Issuer` non-empty, `Destination` an https console home URL whose
 *    region subdomain (if any) is its `region`. Answers an HTML page saying as whom (the caller ARN
 *    the token was issued for) and in which region the browser was signed in, and the Destination:
 *    what test/e2e/console.ts reads and photographs where the browser lands.
 *  - anything else: HTTP 400 with the reason.
 * Every request is recorded (with secrets) for assertions; tests must not print them.
 *
 * STS relay (`stsEndpoint`, on a port of its own): forwards every STS request to moto unchanged and
 * learns, from the traffic itself, which access keys are role sessions and which of those were
 * made with another role session's keys (role chaining). moto does not remember what signed an
 * AssumeRole, and a chain cannot be told from the keys or the ARN afterwards, so this is how the
 * fake knows what AWS knows. It knows only the chains made through it: tests that exercise chained
 * roles set AWS_ENDPOINT_URL_STS to it.
 */
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { STSClient, GetCallerIdentityCommand, GetFederationTokenCommand } from '@aws-sdk/client-sts';

export interface FederationRequest {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  readonly reason?: string;
  /** For getSigninToken: the caller ARN moto named; for login: the one its SigninToken was issued for. */
  readonly callerArn?: string;
  /** For getSigninToken: the SigninToken it answered (a secret: compare it, never print it). */
  readonly issuedToken?: string;
}

/** What the login page shows, in elements with these ids. */
export interface LoginPageFacts {
  /** The caller ARN the SigninToken was issued for. */
  readonly arn: string;
  /** The role or user it names: `OpsAdmin` for `...:assumed-role/OpsAdmin/session`. */
  readonly principal: string;
  readonly region: string;
  readonly destination: string;
}

const DESTINATION = /^https:\/\/(?:([a-z0-9-]+)\.)?console\.(?:aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\/console\/home\?region=([a-z0-9-]+)$/;
const LOGIN_PARAMS = ['Action', 'Destination', 'Issuer', 'SigninToken'];
/** STS actions whose answer is a role session. */
const ROLE_SESSION_ACTIONS = new Set(['AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML']);
/** What AWS's federation endpoint answers for credentials it does not accept (its Tomcat-style error page). */
const AWS_INVALID_CREDENTIALS_PAGE =
  '<html><head><title>Error 400</title></head><body><h1>HTTP Status 400 - Invalid credentials parameter</h1>' +
  '<p><b>type</b> Status report</p><p><b>message</b> Invalid credentials parameter</p>' +
  '<p><b>description</b> The request sent by the client was syntactically incorrect.</p></body></html>';

/** What the relay learned about a role session's keys. */
interface RoleSession {
  /** Its AssumeRole was signed with the keys of another role session. */
  readonly chained: boolean;
}

export class FederationFake {
  readonly requests: FederationRequest[] = [];
  /** Issued SigninTokens: when, and for which caller ARN. */
  private readonly tokens = new Map<string, { issued: number; callerArn: string }>();
  /** Role sessions issued through the STS relay, by access key id. */
  private readonly roleSessions = new Map<string, RoleSession>();
  private constructor(
    private readonly server: http.Server,
    private readonly relay: http.Server,
    readonly endpoint: string,
    private readonly motoEndpoint: string,
    private readonly motoFederation: { id: string; secret: string; token: string } | undefined,
  ) {}

  /**
   * Starts on `host` (default 127.0.0.1; random ports, one for the STS relay); `motoEndpoint` is
   * moto's. The e2e binds 127.0.0.2, still loopback: VS Code for the Web rewrites links to
   * localhost, 127.0.0.1 and 0.0.0.0 with a port into its server's port proxy, which re-encodes
   * the Destination inside the login URL, so the browser must get a loopback address that rule
   * does not match.
   */
  static async start(motoEndpoint: string, options: { host?: string } = {}): Promise<FederationFake> {
    const host = options.host ?? '127.0.0.1';
    const learned = await learnMotoFederationToken(motoEndpoint);
    const holder: { fake?: FederationFake } = {};
    const server = http.createServer((req, res) => void holder.fake!.handle(req, res));
    const relay = http.createServer((req, res) => holder.fake!.relaySts(req, res));
    for (const s of [server, relay]) {
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, host, resolve);
      });
    }
    const address = server.address() as AddressInfo;
    holder.fake = new FederationFake(server, relay, `http://${authority(host)}:${address.port}/federation`, motoEndpoint, learned);
    return holder.fake;
  }

  /** The STS relay in front of moto: point AWS_ENDPOINT_URL_STS here so it sees which role sessions are chained. */
  get stsEndpoint(): string {
    const address = this.relay.address() as AddressInfo;
    return `http://${authority(address.address)}:${address.port}`;
  }

  get signinTokenRequests(): FederationRequest[] {
    return this.requests.filter((r) => r.action === 'getSigninToken');
  }

  get loginRequests(): FederationRequest[] {
    return this.requests.filter((r) => r.action === 'login');
  }

  /** The reasons of every request it refused with 400 (no secret is in a reason). */
  get rejections(): string[] {
    return this.requests.flatMap((r) => (r.reason ? [r.reason] : []));
  }

  async stop(): Promise<void> {
    for (const s of [this.server, this.relay]) {
      s.closeAllConnections?.();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  /**
   * Forwards one STS request to moto as it is (headers included: the Host is part of the SigV4
   * signature), and, for an answer that is a role session, remembers its access key id and
   * whether the request was signed with another role session's keys.
   */
  private relaySts(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
      // SigV4: `Credential=<access key id>/<date>/<region>/sts/aws4_request`.
      const signer = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1];
      const upstream = new URL(this.motoEndpoint);
      const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          const text = Buffer.concat(parts);
          if (answer.statusCode === 200 && ROLE_SESSION_ACTIONS.has(action)) {
            // An encoded answer would hide the new keys, and with them a chain: refuse to guess.
            if (answer.headers['content-encoding'] && answer.headers['content-encoding'] !== 'identity') {
              res.writeHead(502, { 'content-type': 'text/plain' }).end(`federation fake STS relay: cannot read a ${answer.headers['content-encoding']} answer to ${action}`);
              return;
            }
            const issued = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(text.toString('utf8'))?.[1];
            if (issued) this.roleSessions.set(issued, { chained: action === 'AssumeRole' && signer !== undefined && this.roleSessions.has(signer) });
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers).end(text);
        });
      });
      forward.on('error', (e) => res.writeHead(502, { 'content-type': 'text/plain' }).end(`federation fake STS relay: moto unreachable (${e.message})`));
      forward.end(body);
    });
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
      if (params.SessionDuration !== undefined) {
        // AWS: "Do not use SessionDuration with GetFederationToken", and role chaining gets no
        // console session longer than its credentials: both are "Invalid credentials parameter".
        const refused = verdict.federated
          ? 'SessionDuration with federated-user (GetFederationToken) credentials'
          : this.roleSessions.get(session.sessionId)?.chained
            ? 'SessionDuration with a chained role session (assumed with another role session\'s keys)'
            : undefined;
        if (refused) return answer(400, AWS_INVALID_CREDENTIALS_PAGE, 'text/html; charset=utf-8', { reason: refused, callerArn: verdict.arn });
      }
      const token = crypto.randomBytes(48).toString('base64url');
      this.tokens.set(token, { issued: Date.now(), callerArn: verdict.arn });
      return answer(200, JSON.stringify({ SigninToken: token }), 'application/json', { callerArn: verdict.arn, issuedToken: token });
    }
    if (action === 'login') {
      // Each exactly once: a repeated parameter is a malformed link, not a choice for the fake.
      const names = [...url.searchParams.keys()].sort().join(',');
      if (names !== LOGIN_PARAMS.join(',')) return reject(`login has the parameters ${names}, not ${LOGIN_PARAMS.join(', ')} once each`);
      const issued = this.tokens.get(params.SigninToken ?? '');
      if (issued === undefined || Date.now() - issued.issued > 15 * 60_000) return reject('SigninToken is not one this endpoint issued in the last 15 minutes');
      const destination = params.Destination ?? '';
      const parts = DESTINATION.exec(destination);
      if (!parts) return reject(`Destination "${destination}" is not an AWS console home URL`);
      const [, subdomain, region = ''] = parts;
      if (subdomain !== undefined && subdomain !== region) return reject(`Destination "${destination}" is the console of ${subdomain} but asks for region ${region}`);
      if (!params.Issuer) return reject('Issuer is empty');
      const facts: LoginPageFacts = { arn: issued.callerArn, principal: principalOf(issued.callerArn), region, destination };
      return answer(200, loginPage(facts), 'text/html; charset=utf-8', { callerArn: issued.callerArn });
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

  private async checkKeys(s: { sessionId: string; sessionKey: string; sessionToken: string }): Promise<{ arn: string; federated: boolean } | { reason: string }> {
    const m = this.motoFederation;
    if (m && s.sessionId === m.id && s.sessionKey === m.secret && s.sessionToken === m.token) return { arn: 'federated-user (moto GetFederationToken)', federated: true };
    const client = new STSClient({ region: 'us-east-1', endpoint: this.motoEndpoint, credentials: { accessKeyId: s.sessionId, secretAccessKey: s.sessionKey, sessionToken: s.sessionToken }, maxAttempts: 1 });
    try {
      const arn = (await client.send(new GetCallerIdentityCommand({}))).Arn ?? '';
      if (!/:(assumed-role|federated-user)\//.test(arn)) return { reason: `the keys are not temporary role or federated-user keys (STS says ${arn})` };
      return { arn, federated: /:federated-user\//.test(arn) };
    } catch (e) {
      return { reason: `STS refused the keys: ${e instanceof Error ? e.name : String(e)}` };
    } finally {
      client.destroy();
    }
  }
}

/** A host as it goes into a URL: an IPv6 address in brackets. */
function authority(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The role or user an ARN names: the part after the resource type (`assumed-role/OpsAdmin/s` -> `OpsAdmin`). */
function principalOf(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  return resource.split('/')[1] ?? arn;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Where the browser lands: it says plainly that this is a test fake (nothing reached AWS), as
 * whom and in which region the console would open. No favicon request (`href="data:,"`), so the
 * only requests are the extension's and the login.
 */
function loginPage(f: LoginPageFacts): string {
  const e = { arn: escapeHtml(f.arn), principal: escapeHtml(f.principal), region: escapeHtml(f.region), destination: escapeHtml(f.destination) };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>AWS console sign-in (test fake)</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#16191f;background:#f2f3f3}header{background:#232f3e;color:#fff;padding:10px 24px;font-weight:600}
main{max-width:760px;margin:32px auto;background:#fff;border:1px solid #d5dbdb;border-radius:8px;padding:8px 28px 20px}h1{font-size:22px}
dt{color:#545b64;font-size:13px;margin-top:12px}dd{margin:0;font-family:ui-monospace,monospace;word-break:break-all}h1 span{white-space:nowrap}p.note{color:#545b64;font-size:13px;margin-top:20px}</style></head>
<body><header>AWS Management Console (test fake)</header><main>
<h1 id="signed-in">Signed in to the AWS console as <span id="principal">${e.principal}</span>, region <span id="region">${e.region}</span></h1>
<dl><dt>Identity</dt><dd id="arn">${e.arn}</dd><dt>Console page</dt><dd id="destination">${e.destination}</dd></dl>
<p class="note">A local stand-in for AWS's console federation endpoint (test/support/federationFake.ts): it checked the sign-in token it issued; nothing reached AWS.</p>
</main></body></html>`;
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
