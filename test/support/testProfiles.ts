/**
 * The profiles the core's tests use: every credential kind fromIni supports, written to temp
 * files. Key IDs end in EXAMPLE; moto accepts any key while its IAM authorization is off.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { TempAwsFiles, tempAwsFiles } from './awsFiles';

export const TEST_CREDENTIALS = `
[static]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[static-mfa]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
`;

export function testConfig(dir: string): string {
  return `
[profile static-mfa]
mfa_serial = arn:aws:iam::123456789012:mfa/alice
region = eu-west-1

[profile role]
role_arn = arn:aws:iam::111122223333:role/Deploy
source_profile = static
region = eu-central-1

[profile chain]
role_arn = arn:aws:iam::444455556666:role/Admin
source_profile = role
duration_seconds = 1800

[profile role-mfa]
role_arn = arn:aws:iam::111122223333:role/Secure
source_profile = static
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile process]
credential_process = ${process.execPath} ${path.join(dir, 'credential-process.js')}

[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin
region = us-west-2

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-north-1

[profile sso-legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Admin

[profile cycle-a]
role_arn = arn:aws:iam::111122223333:role/A
source_profile = cycle-b

[profile cycle-b]
role_arn = arn:aws:iam::111122223333:role/B
source_profile = cycle-a

[profile only-region]
region = us-west-2
`;
}

/** A real credential_process: prints temporary credentials the way aws-vault or similar tools do. */
export const CREDENTIAL_PROCESS_SCRIPT = `
const expiration = new Date(Date.now() + 3600 * 1000).toISOString().replace(/\\.\\d+Z$/, 'Z');
process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'ASIAPROCESSEXAMPLE01', SecretAccessKey: 'process-secret-EXAMPLE', SessionToken: 'process-token-EXAMPLE', Expiration: expiration }));
`;

export async function writeTestProfiles(): Promise<TempAwsFiles> {
  const files = await tempAwsFiles();
  await fsp.writeFile(path.join(files.dir, 'credential-process.js'), CREDENTIAL_PROCESS_SCRIPT);
  await files.write(testConfig(files.dir), TEST_CREDENTIALS);
  return files;
}
