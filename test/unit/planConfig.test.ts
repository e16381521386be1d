/**
 * The config written from a plan for the SDK provider that insists on reading one (planConfig.ts,
 * `aws login` only: IAM Identity Center goes through src/sso): what it says, what it refuses to
 * write, and that nothing stays registered with the SDK's file cache once the provider settled.
 */
import * as assert from 'node:assert/strict';
import { PLAN_PROFILE, loginConfig, withPlanConfig, type FileInterceptor } from '../../src/credentials/planConfig';

function fakeInterceptor(): FileInterceptor & { record: Record<string, unknown> } {
  const record: Record<string, unknown> = {};
  return { record, interceptFile: (path, contents) => (record[path] = Promise.resolve(contents)), getFileRecord: () => record };
}

describe('planConfig: a config written from the plan', () => {
  it('an aws login profile: the profile names its login session, and its region when it has one', () => {
    assert.equal(loginConfig('dev', 'arn:aws:iam::123456789012:user/alice', 'eu-west-1'), `[profile ${PLAN_PROFILE}]\nlogin_session = arn:aws:iam::123456789012:user/alice\nregion = eu-west-1\n`);
    assert.equal(loginConfig('dev', 's', undefined), `[profile ${PLAN_PROFILE}]\nlogin_session = s\n`);
  });

  it('refuses what the SDK would read differently: a value it would cut', () => {
    assert.throws(() => loginConfig('dev', 'arn:x #comment', undefined), /login_session of profile "dev" has a line break, or a # or ; after a space/);
    assert.throws(() => loginConfig('dev', 'a\nb', undefined), /login_session of profile "dev" has a line break/);
  });

  it('leaves nothing registered with the SDK reader once done, even when the provider throws', async () => {
    const interceptor = fakeInterceptor();
    let seen: string | undefined;
    const out = await withPlanConfig(interceptor, '[profile x]\n', async (paths) => {
      seen = (await interceptor.record[paths.configFilepath]) as string;
      assert.equal(await interceptor.record[paths.filepath], '');
      return 'done';
    });
    assert.equal(out, 'done');
    assert.equal(seen, '[profile x]\n');
    await assert.rejects(withPlanConfig(interceptor, '[profile y]\n', () => Promise.reject(new Error('boom'))), /boom/);
    assert.deepEqual(Object.keys(interceptor.record), []);
  });
});
