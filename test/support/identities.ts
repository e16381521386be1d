/** An identity as a switch leaves it, for tests of what follows from one (terminals, shadows). */
import type { Identity } from '../../src/shared/types';

/** An assumed role reached through the profile `prod-admin`, in eu-west-1; `over` replaces fields. */
export function sampleIdentity(over: Partial<Identity> = {}): Identity {
  return {
    arn: 'arn:aws:sts::123456789012:assumed-role/Admin/vscode-me',
    account: '123456789012',
    name: 'Admin',
    source: { type: 'profile', profile: 'prod-admin' },
    region: 'eu-west-1',
    regionSource: 'profile',
    ...over,
  };
}
