/**
 * `sts:GetFederationToken`: the console sign-in's one STS call for long-term IAM user keys, whose
 * own credentials the federation endpoint does not take. Made through the same client setup as
 * every other STS call (sts.ts: endpoint rules, retries, timeouts, the call observer).
 */
import type { AwsCredentials } from '../shared/types';
import { credentialsFrom, type StsCallOptions, withClient } from './sts';

export interface FederationTokenParams {
  /** The federated user's name: 2 to 32 of STS's characters. */
  readonly name: string;
  /** A session policy; the session's permissions are its intersection with the user's own. */
  readonly policy: string;
  readonly durationSeconds: number;
}

export async function getFederationToken(creds: AwsCredentials, req: FederationTokenParams, region: string | undefined, options?: StsCallOptions): Promise<AwsCredentials> {
  const { output } = await withClient(creds, region, options, { operation: 'GetFederationToken', durationSeconds: req.durationSeconds }, (client, sdk) =>
    client.send(new sdk.GetFederationTokenCommand({ Name: req.name, Policy: req.policy, DurationSeconds: req.durationSeconds })),
  );
  return credentialsFrom(output.Credentials, 'GetFederationToken', options, creds.accountId);
}
