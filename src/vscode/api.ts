import type { AwsIdentityApi } from '../api';
import { assumeAndRemember, useAndRemember, type CommandContext } from './commands/context';
import type { IdentityPresenter } from './views/identityPresenter';

/** Builds the API returned from activate(); see src/api.ts for the contract. */
export function createApi(ctx: CommandContext, presenter: IdentityPresenter): AwsIdentityApi {
  return {
    apiVersion: 1,
    listProfiles: async () => [...(await ctx.profiles.model()).profiles],
    getActiveIdentity: () => ctx.manager.identity,
    onDidChangeIdentity: presenter.onDidChangeIdentity,
    useProfile: (name) => useAndRemember(ctx, name),
    assumeRole: (roleArn, options = {}) =>
      assumeAndRemember(ctx, {
        roleArn,
        source: options.sourceProfile ? { type: 'profile', profile: options.sourceProfile } : { type: 'active' },
        ...(options.sessionName ? { sessionName: options.sessionName } : {}),
        ...(options.durationSeconds ? { durationSeconds: options.durationSeconds } : {}),
        ...(options.externalId ? { externalId: options.externalId } : {}),
      }),
    // Other extensions get temporary credentials only: long-lived IAM user keys stay inside.
    getCredentials: () => ctx.manager.getExportableCredentials(),
  };
}
