/**
 * Reload Window / extension-host restart with terminals that survive it. A "terminal" here is a
 * live process (its pid is what VS Code reports as the shell's) plus the environment it was
 * started with, fixed before the restart, exactly as the extension's rules build it. The real
 * clients (AWS CLI v1, AWS CLI v2, boto3, the JS SDK) run with that environment:
 *  - while the endpoint is down and a stranger listens on its old port, the clients that read
 *    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE fail with "file not found" and the stranger receives
 *    ZERO connections;
 *  - the next host takes the folder over, binds the old port again, writes a fresh token into the
 *    same file name, and the same terminal works again with its own identity.
 * Also measures, per client, whether it reads the token file at all (for the docs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import { startMoto, MotoServer } from '../support/moto';
import { CachingStsSource } from '../support/stsSource';
import { ALL_CLIENTS, ClientName, callerIdentity, clientEnv, emptyHome } from '../support/awsClients';
import { CredentialEndpoint } from '../../src/terminal/credentialEndpoint';
import { RuntimeFolder } from '../../src/terminal/runtimeFolder';
import { terminalVariables } from '../../src/terminal/terminalRules';
import { recordingLogger } from '../support/recordingLogger';

/** Clients that read the token file (measured below; CLI v2 2.9 predates it). */
const FILE_CLIENTS: readonly ClientName[] = ['cli-v1', 'boto3', 'js-sdk'];

interface Stranger {
  connections: number;
  bytes: string;
  close(): Promise<void>;
}

/** Another local process's listener on `port`: counts connections and answers with its own credentials. */
async function stranger(port: number): Promise<Stranger> {
  const s: Stranger = { connections: 0, bytes: '', close: async () => undefined };
  const server = net.createServer((socket) => {
    s.connections++;
    socket.on('data', (d) => {
      s.bytes += d.toString('latin1');
      const body = JSON.stringify({
        AccessKeyId: 'ASIASTRANGERSTRANGER',
        SecretAccessKey: 'stranger-secret-stranger-secret-0000000',
        Token: 'stranger-token',
        Expiration: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
      socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    });
    socket.on('error', () => undefined);
  });
  for (let attempt = 0; ; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve());
      });
      break;
    } catch (e) {
      if (attempt > 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  s.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return s;
}

function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn('true');
    p.on('exit', () => resolve(p.pid!));
  });
}

describe('Endpoint restart with surviving terminals (token file)', function () {
  this.timeout(180_000);
  let moto: MotoServer;
  let source: CachingStsSource;
  let home: ReturnType<typeof emptyHome>;
  let root: string;
  let shell: ChildProcess;
  const log = recordingLogger();
  const tokens: string[] = [];

  before(async () => {
    moto = await startMoto();
    source = new CachingStsSource(moto.endpoint, 'ReloadRole');
    await source.getCredentials();
    home = emptyHome();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-runtime-'));
    shell = spawn('sleep', ['600'], { stdio: 'ignore' });
  });
  after(async () => {
    shell?.kill();
    await moto?.stop();
    home?.cleanup();
    if (root) fs.rmSync(root, { recursive: true, force: true });
    for (const t of tokens) for (const line of log.lines) assert.ok(!line.includes(t), 'a token was logged');
  });

  it('a stranger on the old port receives zero requests; after restoration the same terminal works again', async () => {
    // --- the first extension host (it will "die": its pid is already gone) ---
    const first = RuntimeFolder.open([], { root, ownerPid: await deadPid() });
    assert.equal(first.adoption, undefined);
    const folder1 = first.folder;
    const endpoint1 = await CredentialEndpoint.start({ logger: log });
    const port = endpoint1.listeningPort;
    folder1.setPort(port);
    const grant1 = endpoint1.grant(source);
    tokens.push(grant1.token);
    const file = folder1.newFileName();
    const tokenFile = folder1.writeToken(file, grant1.token);
    folder1.record({ shellPid: shell.pid!, file, identity: source.arn });
    if (process.platform !== 'win32') {
      assert.equal(fs.statSync(root).mode & 0o777, 0o700, 'root 0700');
      assert.equal(fs.statSync(folder1.dir).mode & 0o777, 0o700, 'window folder 0700');
      assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600, 'token file 0600');
    }
    // The terminal's environment, fixed now, as the collection gives it.
    const vars = Object.fromEntries(terminalVariables('endpoint', { region: 'us-east-1', grant: { url: endpoint1.url, tokenFile } }));
    for (const v of Object.values(vars)) assert.ok(!v.includes(grant1.token), 'no token in the environment');
    const env = clientEnv(home.home, { ...vars, AWS_ENDPOINT_URL_STS: moto.endpoint });

    const support: Record<string, string> = {};
    for (const client of ALL_CLIENTS) {
      const r = await callerIdentity(client, env, moto.endpoint);
      support[client] = r.code === 0 && r.stdout === source.arn ? 'reads the token file' : `does not (${(r.stderr.split('\n').pop() ?? '').slice(0, 160)})`;
      if (FILE_CLIENTS.includes(client)) assert.equal(r.stdout, source.arn, `${client}: ${r.stderr}`);
    }
    console.log(`      [figure] token file support: ${JSON.stringify(support, null, 2).replace(/\n/g, '\n        ')}`);

    // --- reload: the host goes away (its tokens with it), the terminal stays ---
    folder1.dispose();
    await endpoint1.dispose();
    assert.ok(!fs.existsSync(tokenFile), 'the token file is removed on dispose');
    assert.ok(fs.existsSync(folder1.dir), 'the (non-secret) state stays while the terminal lives');

    const evil = await stranger(port);
    try {
      // A new host that cannot get the old port back must not write the old token file.
      const elsewhere = await CredentialEndpoint.start({ preferredPort: port });
      assert.notEqual(elsewhere.listeningPort, port);
      await elsewhere.dispose();

      for (const client of FILE_CLIENTS) {
        const r = await callerIdentity(client, env, moto.endpoint);
        assert.notEqual(r.code, 0, `${client} must fail`);
        assert.match(r.stderr, /ENOENT|No such file|no such file/i, `${client} fails on the missing file: ${r.stderr.slice(-300)}`);
        assert.ok(!r.stdout.includes('arn:'), `${client} printed an identity: ${r.stdout}`);
      }
      assert.equal(evil.connections, 0, `the stranger received ${evil.connections} connection(s)`);
      console.log(`      [figure] stranger on the old port: ${evil.connections} connections from ${FILE_CLIENTS.join(', ')}`);

      // Measured for the report: a client that predates the token file.
      const v2 = await callerIdentity('cli-v2', env, moto.endpoint);
      const sentAuth = /authorization:/i.test(evil.bytes);
      console.log(
        `      [figure] cli-v2 (predates the token file) meanwhile: ${evil.connections} connection(s) to the stranger, Authorization header sent: ${sentAuth}, ` +
          `exit ${v2.code}, printed "${v2.stdout}"`,
      );
      assert.ok(!evil.bytes.includes(grant1.token), 'no token ever reaches the stranger');
    } finally {
      await evil.close();
    }

    // --- the next host of this window: takes the folder over by the terminal's pid ---
    const second = RuntimeFolder.open([shell.pid!], { root });
    assert.ok(second.adoption, 'the folder is found through the surviving terminal');
    assert.equal(second.adoption.port, port);
    assert.equal(second.folder.dir, folder1.dir);
    const endpoint2 = await CredentialEndpoint.start({ logger: log, preferredPort: port });
    try {
      assert.equal(endpoint2.listeningPort, port, 'the old port is bound again first');
      const record = second.adoption.terminals.find((t) => t.shellPid === shell.pid);
      assert.ok(record && record.identity === source.arn);
      const grant2 = endpoint2.grant(source);
      tokens.push(grant2.token);
      assert.equal(second.folder.writeToken(record.file, grant2.token), tokenFile);
      for (const client of FILE_CLIENTS) {
        const r = await callerIdentity(client, env, moto.endpoint);
        assert.equal(r.code, 0, `${client} after restoration: ${r.stderr}`);
        assert.equal(r.stdout, source.arn);
      }
      // The old token stays dead: only the file's new one works.
      assert.equal(endpoint2.stats.refused, 0);
    } finally {
      second.folder.dispose();
      await endpoint2.dispose();
    }
  });

  it('start-up cleans what dead hosts left: their tokens always, their folder once no terminal of it runs', async () => {
    const dead = await deadPid();
    const a = RuntimeFolder.open([], { root, ownerPid: dead }).folder;
    const t = a.writeToken(a.newFileName(), 'x'.repeat(64));
    a.record({ shellPid: dead, file: path.basename(t), identity: 'arn:x' });
    const b = RuntimeFolder.open([], { root, ownerPid: dead }).folder;
    const tb = b.writeToken(b.newFileName(), 'y'.repeat(64));
    b.record({ shellPid: shell.pid!, file: path.basename(tb), identity: 'arn:y' });
    const c = RuntimeFolder.open([], { root });
    assert.ok(!fs.existsSync(a.dir), 'a dead host with no live terminal: folder removed');
    assert.ok(fs.existsSync(b.dir) && !fs.existsSync(tb), 'a live terminal keeps the folder, never the token');
    c.folder.dispose();
    assert.ok(!fs.existsSync(c.folder.dir));
  });

  it('refuses a root planted by someone else or with open permissions it cannot fix', function () {
    if (process.platform === 'win32' || process.getuid?.() === 0) {
      // root owns everything it creates; the ownership check is exercised on ordinary accounts.
      const link = path.join(root, 'link');
      fs.symlinkSync(os.tmpdir(), link);
      assert.throws(() => RuntimeFolder.open([], { root: link }), /not a directory/);
      return;
    }
    const link = path.join(root, 'link');
    fs.symlinkSync(os.tmpdir(), link);
    assert.throws(() => RuntimeFolder.open([], { root: link }), /not a directory/);
  });
});
