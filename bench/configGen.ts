/**
 * Shared config files the way organisation-wide generators write them (`aws configure sso`
 * across an organisation, aws-sso-util, granted's sso populate): one sso-session block per
 * organisation and one profile per account × permission set, plus hand-written role chains
 * through source_profile and a credentials file with a few long-lived key pairs.
 *
 * Key IDs are hand-written test values ending in EXAMPLE; nothing here is a real secret.
 */

/** The mix of profile kinds for a total of `total` profiles (the [default] section included). */
export interface ConfigShape {
  readonly total: number;
  readonly organisations: number;
  readonly permissionSets: number;
  readonly ssoProfiles: number;
  readonly roleChains: number;
  readonly staticProfiles: number;
}

const PERMISSION_SETS = ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess', 'Billing'];
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'us-west-2'];
const ENVIRONMENTS = ['prod', 'staging', 'dev', 'sandbox', 'shared', 'security', 'logs'];

export function shapeFor(total: number): ConfigShape {
  if (total < 6) throw new Error(`at least 6 profiles are needed for the mix (got ${total})`);
  const staticProfiles = total <= 10 ? 2 : 5;
  const roleChains = Math.max(2, Math.round(total * 0.1));
  const ssoProfiles = total - 1 - staticProfiles - roleChains; // 1: [default]
  return {
    total,
    organisations: Math.max(1, Math.round(total / 4000)),
    permissionSets: PERMISSION_SETS.length,
    ssoProfiles,
    roleChains,
    staticProfiles,
  };
}

/** A 12-digit account ID that is stable for (organisation, index). */
function accountId(org: number, index: number): string {
  return String(100000000000 + org * 10_000_000 + index * 7919).slice(0, 12);
}

export interface GeneratedFiles {
  readonly config: string;
  readonly credentials: string;
  readonly shape: ConfigShape;
  /** Names of a few profiles of each kind, for spot checks. */
  readonly samples: { readonly sso: string; readonly chain: string; readonly deepChain: string; readonly static: string };
}

export function generateConfig(total: number): GeneratedFiles {
  const shape = shapeFor(total);
  const config: string[] = ['[default]', 'region = us-east-1', 'output = json', ''];
  const credentials: string[] = [];
  const ssoNames: string[] = [];

  for (let org = 1; org <= shape.organisations; org++) {
    config.push(`[sso-session org${org}]`, `sso_start_url = https://org${org}-example.awsapps.com/start`, 'sso_region = us-east-1', 'sso_registration_scopes = sso:account:access', '');
  }
  // Accounts are filled organisation by organisation; every account gets every permission set.
  const perOrg = Math.ceil(shape.ssoProfiles / shape.organisations);
  for (let i = 0; i < shape.ssoProfiles; i++) {
    const org = 1 + Math.floor(i / perOrg);
    const inOrg = i % perOrg;
    const account = Math.floor(inOrg / shape.permissionSets);
    const permissionSet = PERMISSION_SETS[inOrg % shape.permissionSets]!;
    const id = accountId(org, account);
    const env = ENVIRONMENTS[account % ENVIRONMENTS.length]!;
    const name = `org${org}-${env}-app${account}-${id}-${permissionSet}`;
    ssoNames.push(name);
    config.push(
      `[profile ${name}]`,
      `sso_session = org${org}`,
      `sso_account_id = ${id}`,
      `sso_role_name = ${permissionSet}`,
      `region = ${REGIONS[account % REGIONS.length]!}`,
      'output = json',
      '',
    );
  }

  const staticNames: string[] = [];
  for (let i = 0; i < shape.staticProfiles; i++) {
    const name = `legacy-user-${i}`;
    staticNames.push(name);
    credentials.push(
      `[${name}]`,
      `aws_access_key_id = AKIA${String(i).padStart(9, '0')}EXAMPLE`,
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      '',
    );
  }

  // Role chains: most start from an SSO profile or a key pair, one in five from another chain.
  const chainNames: string[] = [];
  let deepChain = '';
  for (let i = 0; i < shape.roleChains; i++) {
    const name = `deploy-${i}`;
    const deep = i % 5 === 4 && chainNames.length > 0;
    const source = deep ? chainNames[i - 1]! : i % 2 === 0 ? ssoNames[(i * 13) % ssoNames.length]! : staticNames[i % staticNames.length]!;
    if (deep && !deepChain) deepChain = name;
    chainNames.push(name);
    config.push(
      `[profile ${name}]`,
      `role_arn = arn:aws:iam::${accountId(9, i)}:role/Deploy${i % 3 === 0 ? '/ci' : ''}`,
      `source_profile = ${source}`,
      `role_session_name = deploy-bench-${i}`,
      ...(i % 4 === 1 ? ['duration_seconds = 1800'] : []),
      ...(i % 3 === 0 ? [`region = ${REGIONS[i % REGIONS.length]!}`] : []),
      '',
    );
  }
  return {
    config: config.join('\n'),
    credentials: credentials.join('\n'),
    shape,
    samples: { sso: ssoNames[0]!, chain: chainNames[0]!, deepChain: deepChain || chainNames[0]!, static: staticNames[0]! },
  };
}
