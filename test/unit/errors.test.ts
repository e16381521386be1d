import * as assert from 'node:assert/strict';
import { askForMfaCode } from '../../src/credentials/mfa';
import { RULES, UserFacingError, describeFailure, errorCode, isDurationTooLongError, ruleFor, toUserFacingError, type AwsCallContext } from '../../src/credentials/errors';

/** An SDK service error as the SDK shapes it: name/Code, message, $metadata. */
function serviceError(code: string, message: string, metadata: { httpStatusCode?: number; attempts?: number } = { httpStatusCode: 400 }, extra: object = {}): Error {
  return Object.assign(new Error(message), { name: code, Code: code, $metadata: metadata, ...extra });
}
/** An error the MFA prompt threw, remembered as such by askForMfaCode (as when the user dismisses it). */
const dismissedPrompt = Object.assign(new Error('Entering the MFA code was cancelled.'), { name: 'UserCancelledError' });
before(async () => {
  await askForMfaCode(() => Promise.reject(dismissedPrompt), 'arn:aws:iam::123456789012:mfa/alice', { trigger: 'user', label: 'profile "dev"' }).catch(() => undefined);
});

function nodeError(code: string, message = `connect ${code} 127.0.0.1:9`): Error {
  return Object.assign(new Error(message), { code });
}

const NO_ENV = {};
const ASSUME: AwsCallContext = { operation: 'AssumeRole', roleArn: 'arn:aws:iam::123456789012:role/Admin', sourceLabel: 'profile "dev"', profile: 'dev', durationSeconds: 7200, env: NO_ENV };
const CALLER: AwsCallContext = { operation: 'GetCallerIdentity', profile: 'dev', region: 'eu-west-1', credentialsFile: '/home/u/.aws/credentials', env: NO_ENV };
const RESOLVE: AwsCallContext = { operation: 'ResolveProfile', profile: 'dev', configFile: '/home/u/.aws/config', credentialsFile: '/home/u/.aws/credentials', env: NO_ENV };

interface Case {
  readonly rule: string;
  readonly error: unknown;
  readonly ctx: AwsCallContext;
  /** What the user must be told: the cause, then the next step. */
  readonly says: RegExp;
  readonly kind?: UserFacingError['kind'];
}

const CASES: Case[] = [
  { rule: 'mfaCancelled', error: dismissedPrompt, ctx: { ...ASSUME, mfaSerial: 'arn:aws:iam::123456789012:mfa/alice' }, says: /No MFA code was entered for arn:aws:iam::123456789012:mfa\/alice, so arn:aws:iam::123456789012:role\/Admin could not be obtained\. Run the action again/ },
  { rule: 'mfaInvalid', error: serviceError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.'), ctx: { ...ASSUME, mfaSerial: 'arn:aws:iam::1:mfa/a' }, says: /did not accept the MFA code for arn:aws:iam::1:mfa\/a \(AccessDenied\)\. Wait for the next code/ },
  { rule: 'chainedDurationTooLong', kind: 'chainedDurationTooLong', error: serviceError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'), ctx: ASSUME, says: /refused 7200 seconds for arn:aws:iam::123456789012:role\/Admin: .*role chaining.*Retry with a duration of 3600 seconds or less/ },
  { rule: 'durationTooLong', kind: 'durationTooLong', error: serviceError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'), ctx: ASSUME, says: /refused 7200 seconds .*MaxSessionDuration.*Retry with 3600 seconds/ },
  { rule: 'ssoConfigInvalid', error: new Error('Conflicting SSO configuration: sso_region differs from sso_session'), ctx: RESOLVE, says: /Profile "dev" has an incomplete or conflicting IAM Identity Center \(SSO\) configuration: Conflicting SSO .*\. Fix the profile \(or run `aws configure sso --profile dev`\)/ },
  { rule: 'ssoLoginRequired', error: new Error('The SSO session associated with this profile has expired or is otherwise invalid.'), ctx: RESOLVE, says: /SSO\) session for profile "dev" is missing or has expired\. Run `aws sso login --profile dev`/ },
  // "sso" in a path, a host name or a role name is not an IAM Identity Center failure.
  { rule: 'unrecognised', kind: 'unknown', error: nodeError('ENOENT', "ENOENT: no such file or directory, open '/var/run/secrets/sso/token'"), ctx: RESOLVE, says: /Could not get credentials for profile "dev": ENOENT: no such file or directory, open '\/var\/run\/secrets\/sso\/token'/ },
  { rule: 'stsUnreachable', error: nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND sts.sso-proxy.corp'), ctx: { ...CALLER, endpoint: 'https://sts.sso-proxy.corp/' }, says: /^Could not reach STS \(ENOTFOUND\) at https:\/\/sts\.sso-proxy\.corp\// },
  { rule: 'invalidRoleArn', error: serviceError('ValidationError', "Value 'arn:aws:iam::123:role/sso/x' at 'roleArn' failed to satisfy constraint"), ctx: { ...ASSUME, roleArn: 'arn:aws:iam::123:role/sso/x' }, says: /rejected the role ARN arn:aws:iam::123:role\/sso\/x/ },
  { rule: 'profileNotFound', error: new Error('Could not resolve credentials using profile: [dev] in configuration/credentials file(s).'), ctx: RESOLVE, says: /Profile "dev" has no usable credentials in \/home\/u\/\.aws\/config or \/home\/u\/\.aws\/credentials\. Check the profile name/ },
  { rule: 'sourceProfileCycle', error: new Error('Detected a cycle attempting to resolve credentials for profile a'), ctx: RESOLVE, says: /Profile "dev" has a source_profile cycle \(Detected a cycle.*\)\. Edit the profiles/ },
  { rule: 'unsupportedCredentialSource', error: new Error('Unsupported credential source in profile dev. Got Foo'), ctx: RESOLVE, says: /unsupported credential_source \(.*Got Foo\.\)\. Use Environment, Ec2InstanceMetadata or EcsContainer/ },
  { rule: 'credentialProcessFailed', error: new Error('Profile dev credential_process returned non-zero exit code'), ctx: RESOLVE, says: /The credential_process of profile "dev" failed: .*non-zero exit code\. Run that command in a terminal/ },
  { rule: 'expiredToken', kind: 'expiredToken', error: serviceError('ExpiredToken', 'The security token included in the request is expired'), ctx: ASSUME, says: /credentials of profile "dev" used for AssumeRole have expired \(ExpiredToken\)\. Renew them/ },
  { rule: 'unknownAccessKey', error: serviceError('InvalidClientTokenId', 'The security token included in the request is invalid.'), ctx: CALLER, says: /does not recognise the access key of profile "dev" \(InvalidClientTokenId\).*Update the keys of profile "dev" in \/home\/u\/\.aws\/credentials/ },
  { rule: 'wrongSecret', error: serviceError('SignatureDoesNotMatch', 'Signature mismatch'), ctx: CALLER, says: /request signature of profile "dev" \(SignatureDoesNotMatch\): the secret access key does not match.*Check aws_secret_access_key of profile "dev"/ },
  { rule: 'regionDisabled', error: serviceError('RegionDisabledException', 'STS is not activated in this region'), ctx: CALLER, says: /not activated in region eu-west-1 for this account\. Choose another region/ },
  {
    rule: 'assumeRoleDenied',
    error: serviceError('AccessDenied', 'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole', { httpStatusCode: 403 }),
    ctx: ASSUME,
    says: /^Access denied assuming arn:aws:iam::123456789012:role\/Admin as arn:aws:iam::123456789012:user\/alice\. Check that the role's trust policy allows .*MFA or an external ID/,
  },
  { rule: 'sessionTokenFromTemporary', error: serviceError('AccessDenied', 'Cannot call GetSessionToken with session credentials'), ctx: { ...CALLER, operation: 'GetSessionToken' }, says: /GetSessionToken cannot be called with temporary credentials \(profile "dev"\)\. Use a profile with long-lived IAM user keys/ },
  { rule: 'accessDenied', error: serviceError('AccessDenied', 'not allowed'), ctx: CALLER, says: /STS denied GetCallerIdentity for profile "dev" \(AccessDenied: not allowed\.\)\. Check the IAM permissions/ },
  { rule: 'invalidSessionName', error: serviceError('ValidationError', "1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint"), ctx: ASSUME, says: /rejected the role session name: .*roleSessionName.* Use 2-64 characters/ },
  { rule: 'invalidRoleArn', error: serviceError('ValidationError', 'roleArn is not a valid ARN'), ctx: { ...ASSUME, roleArn: 'arn:aws:iam::123:role/x' }, says: /rejected the role ARN arn:aws:iam::123:role\/x: .* Use the form arn:aws:iam::123456789012:role\/Name/ },
  { rule: 'invalidDuration', kind: 'durationTooLong', error: serviceError('ValidationError', "Value '10' at 'durationSeconds' failed to satisfy constraint"), ctx: { ...ASSUME, durationSeconds: 10 }, says: /rejected the session duration 10: .* Use a duration between 900 and 3600 seconds/ },
  { rule: 'invalidParameter', kind: 'unknown', error: serviceError('InvalidParameterValue', 'policy too long'), ctx: ASSUME, says: /STS rejected AssumeRole: policy too long\. Check the request values/ },
  { rule: 'throttled', error: serviceError('Throttling', 'Rate exceeded', { httpStatusCode: 400, attempts: 3 }), ctx: ASSUME, says: /STS is throttling requests \(Throttling\) after 3 attempts\. Wait a minute and try again/ },
  { rule: 'credentialSourceUnreachable', error: nodeError('ETIMEDOUT', 'connect ETIMEDOUT 169.254.169.254:80'), ctx: RESOLVE, says: /Could not reach AWS while getting credentials for profile "dev": connect ETIMEDOUT 169\.254\.169\.254:80\. Check your network connection/ },
  {
    rule: 'unknownRegion',
    error: nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND sts.us-east-11.amazonaws.com'),
    ctx: { ...CALLER, region: 'us-east-11', regionOrigin: 'the region of profile "dev"', endpoint: 'https://sts.us-east-11.amazonaws.com/' },
    says: /^Could not reach STS for region "us-east-11" \(ENOTFOUND at https:\/\/sts\.us-east-11\.amazonaws\.com\/\): "us-east-11" is not a region AWS Identity knows.*Correct the region of profile "dev" to a region such as "us-east-1"/,
  },
  { rule: 'stsUnreachable', error: nodeError('ECONNREFUSED'), ctx: { ...CALLER, endpoint: 'https://sts.eu-west-1.amazonaws.com/' }, says: /^Could not reach STS \(ECONNREFUSED\) at https:\/\/sts\.eu-west-1\.amazonaws\.com\/\. Check your network.*If you use a custom STS endpoint, set AWS_ENDPOINT_URL_STS/ },
  { rule: 'stsUnreachable', error: nodeError('ECONNREFUSED'), ctx: { ...CALLER, region: 'cn-north-1' }, says: /^Could not reach STS \(ECONNREFUSED\) at https:\/\/sts\.cn-north-1\.amazonaws\.com\.cn\./ },
  { rule: 'serviceUnavailable', error: serviceError('InternalFailure', 'oops', { httpStatusCode: 500, attempts: 2 }), ctx: CALLER, says: /server error \(InternalFailure\) after 2 attempts\. .*try again in a minute/ },
  { rule: 'notSts', kind: 'unknown', error: serviceError('Unknown', 'UnknownError', { httpStatusCode: 404 }), ctx: { ...CALLER, endpoint: 'http://proxy:1/' }, says: /http:\/\/proxy:1\/ answered GetCallerIdentity with HTTP 404 and no STS error.*Check your proxy settings and AWS_ENDPOINT_URL_STS/ },
  { rule: 'unrecognised', kind: 'unknown', error: new Error('something odd'), ctx: RESOLVE, says: /Could not get credentials for profile "dev": something odd\. Check the profile configuration and the extension log/ },
];

describe('errors: the table of rules', () => {
  for (const c of CASES) {
    it(`${c.rule}: names the cause and the next step`, () => {
      assert.equal(ruleFor(describeFailure(c.error, c.ctx, c.ctx.env ?? {})).name, c.rule);
      const e = toUserFacingError(c.error, c.ctx);
      assert.ok(e instanceof UserFacingError);
      assert.match(e.message, c.says);
      assert.equal(e.kind, c.kind ?? 'other');
      assert.equal(e.cause, c.error, 'the original error is kept for the log');
    });
  }

  it('every rule of the table has a case here', () => {
    const tested = new Set(CASES.map((c) => c.rule));
    assert.deepEqual(
      RULES.map((r) => r.name).filter((n) => !tested.has(n)),
      [],
    );
  });

  it('a duration a profile sets: names the profile and says to set its duration_seconds, not to retry', () => {
    const ctx: AwsCallContext = { ...ASSUME, durationSeconds: 43200, durationProfile: 'long', configFile: '/home/u/.aws/config' };
    const over = toUserFacingError(serviceError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'), ctx);
    assert.equal(over.kind, 'durationTooLong');
    assert.match(over.message, /refused 43200 seconds \(duration_seconds of profile "long"\) .*MaxSessionDuration.*Set duration_seconds in profile "long" \(\/home\/u\/\.aws\/config\) to 3600 or less/);
    assert.doesNotMatch(over.message, /Retry with/);
    const chained = toUserFacingError(serviceError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'), ctx);
    assert.equal(chained.kind, 'chainedDurationTooLong');
    assert.match(chained.message, /role chaining.*Set duration_seconds in profile "long" \(\/home\/u\/\.aws\/config\) to 3600 or less/);
    assert.doesNotMatch(chained.message, /Retry with/);
  });

  it('no such STS host: a listed region, or an endpoint override, is still the network', () => {
    const notFound = nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com');
    assert.equal(ruleFor(describeFailure(notFound, CALLER, {})).name, 'stsUnreachable');
    const typo = { ...CALLER, region: 'us-east-11' };
    assert.equal(ruleFor(describeFailure(notFound, typo, { AWS_ENDPOINT_URL_STS: 'http://sts.corp:1' })).name, 'stsUnreachable');
    assert.match(toUserFacingError(notFound, { ...typo, env: {} }).message, /Correct the region \(the profile's region, the awsIdentity\.defaultRegion setting, or AWS_REGION\)/);
  });

  it('a UserFacingError passes through unchanged', () => {
    const e = new UserFacingError('superseded', 'replaced');
    assert.equal(toUserFacingError(e, ASSUME), e);
  });

  it('isDurationTooLongError: both duration kinds, nothing else', () => {
    const too = (m: string): unknown => toUserFacingError(serviceError('ValidationError', m), ASSUME);
    assert.ok(isDurationTooLongError(too('DurationSeconds exceeds the MaxSessionDuration')));
    assert.ok(isDurationTooLongError(too('DurationSeconds exceeds the 1 hour session limit for role chaining')));
    assert.ok(!isDurationTooLongError(too('roleArn is not a valid ARN')));
    assert.ok(!isDurationTooLongError(new Error('DurationSeconds exceeds the MaxSessionDuration')));
  });
});

describe('errors: the environment is passed in', () => {
  const env = { AWS_ENDPOINT_URL_STS: 'http://localhost:4566' };

  it('unreachable STS: names the endpoint override and says to check or unset it', () => {
    const e = toUserFacingError(nodeError('ECONNREFUSED'), { operation: 'GetCallerIdentity', env });
    assert.match(e.message, /^Could not reach STS \(ECONNREFUSED\) at http:\/\/localhost:4566\. .*AWS_ENDPOINT_URL_STS is set to http:\/\/localhost:4566: check that it is right, or unset it/);
  });

  it('unreachable STS without an override: the regional endpoint, or the global one', () => {
    assert.match(toUserFacingError(nodeError('ETIMEDOUT'), { operation: 'AssumeRole', region: 'eu-west-1', env: {} }).message, /at https:\/\/sts\.eu-west-1\.amazonaws\.com\. /);
    assert.match(toUserFacingError(nodeError('ETIMEDOUT'), { operation: 'AssumeRole', env: {} }).message, /at https:\/\/sts\.amazonaws\.com\. /);
  });

  it('something that is not STS answered: names the override', () => {
    const e = toUserFacingError(serviceError('NotFound', 'Not Found', { httpStatusCode: 404 }), { operation: 'GetCallerIdentity', env });
    assert.match(e.message, /^The STS endpoint answered GetCallerIdentity with HTTP 404 .*Check AWS_ENDPOINT_URL_STS \(set to http:\/\/localhost:4566\)/);
  });

  it('the rules read the environment given, not process.env', () => {
    const saved = process.env.AWS_ENDPOINT_URL_STS;
    process.env.AWS_ENDPOINT_URL_STS = 'http://from-process-env:1';
    try {
      assert.doesNotMatch(toUserFacingError(nodeError('ECONNREFUSED'), { operation: 'GetCallerIdentity', env: {} }).message, /from-process-env/);
      assert.match(toUserFacingError(nodeError('ECONNREFUSED'), { operation: 'GetCallerIdentity' }).message, /is set to http:\/\/from-process-env:1/, 'process.env is only the default');
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
      else process.env.AWS_ENDPOINT_URL_STS = saved;
    }
  });
});

describe('errors: codes and quoting', () => {
  it('errorCode: Code, then code, then name; the first inner error of an AggregateError', () => {
    assert.equal(errorCode(serviceError('Throttling', 'x')), 'Throttling');
    assert.equal(errorCode(nodeError('ECONNRESET')), 'ECONNRESET');
    assert.equal(errorCode(new Error('plain')), undefined);
    assert.equal(errorCode(new AggregateError([new Error('a'), nodeError('ECONNREFUSED')])), 'AggregateError');
    assert.equal(errorCode(Object.assign(new Error('x'), { name: 'Error', errors: [new Error('a'), nodeError('ECONNREFUSED')] })), 'ECONNREFUSED');
    assert.equal(errorCode('a string'), undefined);
  });

  it('a quoted SDK message is cut to a sentence and never carries an access key ID', () => {
    // Not ending in EXAMPLE on purpose: redaction leaves the documentation's example keys readable.
    const e = toUserFacingError(new Error(`credential_process printed AKIAABCDEFGHIJKLMNOP and ${'x'.repeat(400)}`), RESOLVE);
    assert.doesNotMatch(e.message, /AKIAABCDEFGHIJKLMNOP/);
    assert.match(e.message, /AKIA\*\*\*\*/);
    assert.match(e.message, /x\.\.\. Run that command/);
  });
});
