/**
 * A strict fake IAM Identity Center (test/support/ssoFake.ts) for the tests in this extension
 * host, with role credentials from the runner's moto: the extension's SSO clients are pointed at it
 * (they read AWS_ENDPOINT_URL_SSO* at each call, in this same process), and the fixture config
 * gains the sections a test needs until `close` puts every byte back.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SsoFake, type SsoFakeOptions } from '../support/ssoFake';

export interface SsoWindow {
  readonly fake: SsoFake;
  readonly configFile: string;
  /** Clears the identity, restores the config and the environment, stops the fake and checks it refused nothing. */
  close(): Promise<void>;
}

const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL_SSO', 'AWS_ENDPOINT_URL_SSO_OIDC'];

export async function openSsoWindow(accounts: SsoFakeOptions['accounts'], sections: (fake: SsoFake) => string): Promise<SsoWindow> {
  const moto = process.env.AWS_ENDPOINT_URL_STS ?? process.env.AIS_TEST_MOTO_ENDPOINT;
  const home = process.env.AIS_TEST_FIXTURE_HOME;
  assert.ok(moto && home, 'AWS_ENDPOINT_URL_STS and AIS_TEST_FIXTURE_HOME come from test/runIntegration.ts');
  // The runner's recording proxy stands in front of moto: the role credentials the fake hands out
  // are remembered, and the runner's secrets scan then proves no file VS Code wrote holds them.
  const fake = await SsoFake.start({ motoEndpoint: moto, ...(accounts ? { accounts } : {}) });
  const saved = new Map(ENDPOINT_VARIABLES.map((k) => [k, process.env[k]]));
  for (const k of ENDPOINT_VARIABLES) process.env[k] = fake.endpoint;
  const configFile = path.join(home, '.aws', 'config');
  const original = fs.readFileSync(configFile);
  fs.appendFileSync(configFile, sections(fake));
  await vscode.commands.executeCommand('awsIdentity.refreshProfiles');
  return {
    fake,
    configFile,
    async close() {
      await vscode.commands.executeCommand('awsIdentity.clearIdentity');
      fs.writeFileSync(configFile, original);
      await vscode.commands.executeCommand('awsIdentity.refreshProfiles');
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await fake.stop();
      assert.deepEqual(fake.rejections, [], 'the fake refused malformed requests');
    },
  };
}
