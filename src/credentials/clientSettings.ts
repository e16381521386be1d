/**
 * The shared-config settings every AWS SDK client reads before its first request, read once each
 * time a profile's credentials are resolved (a switch, a renewal) and handed to the clients of
 * that resolution and of the switch's GetCallerIdentity, so that they do not read the files.
 *
 * Why: a client reads `use_fips_endpoint`, `use_dualstack_endpoint`, `sdk_ua_app_id` and
 * `auth_scheme_preference` each through its own `loadConfig`, and each of those reads parses the
 * whole config file again (smithy caches a file's text, not its parse). A profile switch makes two
 * STS clients (`fromIni`'s inner one for the role, ours for GetCallerIdentity), so in an
 * organisation-wide config of 10,000 profiles (1.7 MB) these reads were eight whole-file parses:
 * most of a switch's 0.7 s (bench section 3, README "Figures").
 *
 * Same values: each setting is read by the SDK's own `loadConfig` with the SDK's own option
 * objects (environment variable, then the profile's setting, then the default), for the profile
 * the clients read them for (`getProfileName`: $AWS_PROFILE, else `default`: the clients are not
 * told the switched-to profile), from the sections that can define that profile (sdkSections.ts).
 * One difference, on purpose: the files are read afresh each time, where a client reads them
 * through smithy's per-process cache and so never saw an edit made after the first reading.
 *
 * Pure: no `vscode`. The SDK is passed in (its bundle has its own copy of smithy's file record).
 */
import { type FileInterceptor, type IndexedTexts, textsMentioning, withInMemoryFiles } from './sdkSections';

/** The four settings, as the SDK resolves them. */
export interface SdkClientSettings {
  readonly useFipsEndpoint: boolean;
  readonly useDualstackEndpoint: boolean;
  readonly userAgentAppId: string | undefined;
  readonly authSchemePreference: ReadonlyArray<string>;
}

/** One of the SDK's `NODE_*_CONFIG_OPTIONS` objects (environment selector, file selector, default). */
interface ConfigOptions<T> {
  environmentVariableSelector(env: NodeJS.ProcessEnv, options?: unknown): T | undefined;
  configFileSelector(profile: Record<string, string | undefined>, configFile?: unknown): T | undefined;
  default: T | (() => T) | (() => Promise<T>);
}

/** The parts of the SDK bundle (sdk.ts) this module uses. */
export interface SdkSettingsLoader {
  readonly externalDataInterceptor: FileInterceptor;
  getProfileName(init: { profile?: string }): string;
  loadConfig<T>(options: ConfigOptions<T>, init: { profile: string; configFilepath: string; filepath: string }): () => Promise<T>;
  readonly NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS: ConfigOptions<boolean>;
  readonly NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS: ConfigOptions<boolean>;
  readonly NODE_APP_ID_CONFIG_OPTIONS: ConfigOptions<string | undefined>;
  readonly NODE_AUTH_SCHEME_PREFERENCE_OPTIONS: ConfigOptions<string[]>;
}

/** The settings as the SDK's clients would read them from these texts of the two files. */
export async function readSdkClientSettings(full: IndexedTexts, sdk: SdkSettingsLoader): Promise<SdkClientSettings> {
  const profile = sdk.getProfileName({});
  return withInMemoryFiles(sdk.externalDataInterceptor, textsMentioning(full, [profile]), async (files) => {
    const init = { profile, configFilepath: files.configFile, filepath: files.credentialsFile };
    const [useFipsEndpoint, useDualstackEndpoint, userAgentAppId, authSchemePreference] = await Promise.all([
      sdk.loadConfig(sdk.NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, init)(),
      sdk.loadConfig(sdk.NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, init)(),
      sdk.loadConfig(sdk.NODE_APP_ID_CONFIG_OPTIONS, init)(),
      sdk.loadConfig(sdk.NODE_AUTH_SCHEME_PREFERENCE_OPTIONS, init)(),
    ]);
    return { useFipsEndpoint, useDualstackEndpoint, userAgentAppId, authSchemePreference };
  });
}

/** The settings as SDK client configuration (for any client: STS, SSO, SSO OIDC). */
export function sdkClientConfig(settings: SdkClientSettings): Record<string, unknown> {
  return {
    useFipsEndpoint: settings.useFipsEndpoint,
    useDualstackEndpoint: settings.useDualstackEndpoint,
    // A provider even when there is no app id: `undefined` would make the client read the files.
    userAgentAppId: () => Promise.resolve(settings.userAgentAppId),
    authSchemePreference: [...settings.authSchemePreference],
  };
}
