/** The end-to-end flows, in the order a person would meet them (test/runE2e.ts runs them). */
import type { E2eFlow } from './harness';
import { profilesViewFlow } from './profilesView';
import { useProfileFlow } from './useProfile';
import { assumeRoleFlow } from './assumeRole';
import { assumeRoleErrorsFlow } from './assumeRoleErrors';
import { terminalFlow } from './terminal';
import { switchIdentityFlow } from './switchIdentity';
import { mfaFlow } from './mfa';
import { restoreOnReloadFlow } from './restoreOnReload';
import { restoreAfterRoleFlow, restoreAfterSsoRoleFlow } from './restoreAfterRole';
import { mfaRenewalFlow } from './mfaRenewal';
import { apiConsentFlow } from './apiConsent';
import { ssoCliSignInFlow } from './ssoCliSignIn';
import { ssoSignInFlow } from './ssoSignIn';
import { ssoTwoWindowsFlow } from './ssoTwoWindows';
import { ssoRestoreFlow } from './ssoRestore';
import { regionFlow } from './region';
import { consoleFlow } from './console';
import { debugAndTasksFlow } from './debugAndTasks';
import { terminalKeysFlow } from './terminalKeys';

export const flows: readonly E2eFlow[] = [profilesViewFlow, useProfileFlow, assumeRoleFlow, assumeRoleErrorsFlow, terminalFlow, switchIdentityFlow, restoreOnReloadFlow, restoreAfterRoleFlow, mfaFlow, mfaRenewalFlow, apiConsentFlow, ssoCliSignInFlow, ssoSignInFlow, ssoTwoWindowsFlow, ssoRestoreFlow, restoreAfterSsoRoleFlow, regionFlow, consoleFlow, debugAndTasksFlow, terminalKeysFlow];
