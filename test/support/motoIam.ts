/**
 * Sets up IAM users, policies and roles in moto (its IAM query API, unsigned while moto's IAM
 * authorization is off), and switches moto's IAM authorization on and off.
 *
 * With authorization on (POST /moto-api/reset-auth with body "0"), moto checks signatures with
 * the real secret keys, the caller's identity policies, and for roles that exist in its IAM,
 * the role's trust policy: AssumeRole of a role whose trust policy does not name the caller fails
 * with a real `AccessDenied` ("User: arn:aws:iam::123456789012:user/alice is not authorized to
 * perform: sts:AssumeRole"). Unknown access keys get `InvalidClientTokenId`, a wrong secret
 * `SignatureDoesNotMatch`. GetCallerIdentity is always allowed.
 */
import * as http from 'node:http';

export const MOTO_ACCOUNT = '123456789012';

function post(endpoint: string, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${endpoint}${path}`, { method: 'POST', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One IAM query action against moto (authorization must be off). Returns the XML. */
export async function iam(endpoint: string, action: string, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString();
  const { status, text } = await post(endpoint, '/', body, {
    'content-type': 'application/x-www-form-urlencoded',
    // moto routes by the service in the credential scope; the signature is not checked while auth is off.
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20300101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
  });
  if (status !== 200) throw new Error(`moto IAM ${action} failed with HTTP ${status}: ${text.slice(0, 300)}`);
  return text;
}

function tag(xml: string, name: string): string {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (!m?.[1]) throw new Error(`moto answer has no <${name}>: ${xml.slice(0, 300)}`);
  return m[1];
}

export interface IamUserKeys {
  readonly userArn: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Creates an IAM user with an inline policy allowing `sts:*` and an access key. */
export async function createUserWithKeys(endpoint: string, userName: string): Promise<IamUserKeys> {
  const user = await iam(endpoint, 'CreateUser', { UserName: userName });
  await iam(endpoint, 'PutUserPolicy', {
    UserName: userName,
    PolicyName: 'sts',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] }),
  });
  const key = await iam(endpoint, 'CreateAccessKey', { UserName: userName });
  return { userArn: tag(user, 'Arn'), accessKeyId: tag(key, 'AccessKeyId'), secretAccessKey: tag(key, 'SecretAccessKey') };
}

/** Creates a role whose trust policy allows exactly `trustedPrincipalArn` (or `*`), with an inline `sts:*` policy. */
export async function createRole(endpoint: string, roleName: string, trustedPrincipalArn: string): Promise<string> {
  const role = await iam(endpoint, 'CreateRole', {
    RoleName: roleName,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: trustedPrincipalArn }, Action: 'sts:AssumeRole' }],
    }),
  });
  await iam(endpoint, 'PutRolePolicy', {
    RoleName: roleName,
    PolicyName: 'sts',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] }),
  });
  return tag(role, 'Arn');
}

/**
 * Turns moto's IAM authorization on (`true`) or off. Global to the moto process: turn it off
 * again (after/afterEach) so later tests are unaffected.
 */
export async function setIamAuthorization(endpoint: string, on: boolean): Promise<void> {
  // The body must not be form-encoded: moto reads it raw as a number ("inf" = never authorize).
  const { status, text } = await post(endpoint, '/moto-api/reset-auth', on ? '0' : 'inf', { 'content-type': 'text/plain' });
  if (status !== 200) throw new Error(`moto reset-auth failed with HTTP ${status}: ${text.slice(0, 200)}`);
}
