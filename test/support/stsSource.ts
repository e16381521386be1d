/**
 * A CredentialSource backed by the real STS (moto) that caches like the identity layer does:
 * it calls AssumeRole only when it holds nothing or what it holds is within `refreshMarginMs`
 * of expiring. `lifetimeMs` shortens the lifetime it reports, so refresh can be exercised in
 * seconds instead of the 15 minutes STS allows at minimum.
 */
import type { AwsCredentials } from '../../src/shared/types';
import type { CredentialSource } from '../../src/terminal/credentialEndpoint';
import { assumeRole } from './awsClients';

export class CachingStsSource implements CredentialSource {
  stsCalls = 0;
  getCalls = 0;
  arn = '';
  private cached: AwsCredentials | undefined;
  private pending: Promise<AwsCredentials> | undefined;

  constructor(
    private readonly stsEndpoint: string,
    readonly roleName: string,
    readonly options: { lifetimeMs?: number; refreshMarginMs?: number } = {},
  ) {}

  get label(): string {
    return `${this.roleName} (123456789012)`;
  }

  async getCredentials(): Promise<AwsCredentials> {
    this.getCalls++;
    const margin = this.options.refreshMarginMs ?? 5 * 60_000;
    if (this.cached?.expiration && this.cached.expiration.getTime() - Date.now() > margin) return this.cached;
    // One STS call however many requests arrive while it is in flight.
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async refresh(): Promise<AwsCredentials> {
    this.stsCalls++;
    const fresh = await assumeRole(this.stsEndpoint, this.roleName);
    this.arn = fresh.arn;
    const lifetime = this.options.lifetimeMs;
    const expiration = lifetime !== undefined ? new Date(Math.min(fresh.expiration!.getTime(), Date.now() + lifetime)) : fresh.expiration;
    this.cached = { ...fresh, expiration };
    return this.cached;
  }
}
