/**
 * Flow 11: a sign-in made outside VS Code shows in the Profiles view without a refresh. The
 * fixture HOME has never signed in, so the AWS CLI's SSO cache folder does not exist when the view
 * first draws the e2e session node ("signed out"). Then the token lands as the first `aws sso
 * login` writes it (the folder made, the file written at once, botocore's format): the node must
 * say "signed in until HH:MM" by itself, and "signed out" again once `aws sso logout` removes the
 * token. The view reads the cache only: IAM Identity Center hears nothing.
 */
import * as fs from 'node:fs';
import { check, type E2eFlow } from './harness';
import { callsSince, row, SIGNED_IN, SIGNED_OUT, SSO_SESSION, ssoCalls, ssoSetup, tokenCacheFile, waitForRow } from './ssoSupport';

export const ssoCliSignInFlow: E2eFlow = {
  id: 'sso-cli-sign-in',
  title: 'IAM Identity Center (sso): the first `aws sso login` outside VS Code (it makes the cache folder) shows on the session node, then its sign-out',
  async run({ wb, shot }) {
    const { cacheDir, fake } = ssoSetup();
    await wb.openProfilesView();
    await waitForRow(wb, SSO_SESSION, SIGNED_OUT);
    check(!fs.existsSync(cacheDir), `${cacheDir} exists before this flow: it must run before any flow signs in (it proves the first sign-in of a HOME).`);
    const before = ssoCalls(fake);

    const file = tokenCacheFile(cacheDir);
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, JSON.stringify({ startUrl: fake.startUrl, region: 'us-east-1', accessToken: 'e2e-cli-token-EXAMPLE', expiresAt }), { mode: 0o600 });
    const signedIn = await waitForRow(wb, SSO_SESSION, SIGNED_IN);
    check(signedIn.endsWith(new Date(expiresAt).toTimeString().slice(0, 5)), `The node says "${signedIn}"; the token the CLI wrote expires at ${expiresAt}.`);
    await shot('cli-sign-in-shown', [row(wb, SSO_SESSION)]);

    fs.rmSync(file);
    await waitForRow(wb, SSO_SESSION, SIGNED_OUT);
    const calls = callsSince(before, fake);
    check(Object.keys(calls).length === 0, `The view called IAM Identity Center while only reading the cache: ${JSON.stringify(calls)}.`);
  },
};
