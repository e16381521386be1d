/**
 * Every command id the extension registers, in one place. package.json's `contributes.commands`
 * must list exactly `COMMAND_IDS` (test/unit/commandIds.test.ts checks both directions, and that
 * menus, keybindings and welcome links name one of them). No `vscode` import, so that test runs
 * under plain mocha.
 */
/**
 * The IAM Identity Center commands: registered by src/vscode/sso/ssoCommands.ts, which owns the
 * sign-in state they share (as the tree registers showAllProfiles).
 */
export const SSO_COMMAND_IDS = {
  ssoAddSession: 'awsIdentity.sso.addSession',
  ssoSignIn: 'awsIdentity.sso.signIn',
  ssoSignOut: 'awsIdentity.sso.signOut',
  ssoRefresh: 'awsIdentity.sso.refresh',
  ssoUseRole: 'awsIdentity.sso.useRole',
  ssoSaveRoleAsProfile: 'awsIdentity.sso.saveRoleAsProfile',
  ssoOpenRoleTerminal: 'awsIdentity.sso.openRoleTerminal',
} as const;

/** The AWS console sign-in commands: registered by src/vscode/console/consoleCommands.ts. */
export const CONSOLE_COMMAND_IDS = {
  openConsole: 'awsIdentity.openConsole',
  copyConsoleLink: 'awsIdentity.copyConsoleLink',
} as const;

export const COMMAND_IDS = {
  switchProfile: 'awsIdentity.switchProfile',
  useProfile: 'awsIdentity.useProfile',
  newTerminalForProfile: 'awsIdentity.newTerminalForProfile',
  assumeRole: 'awsIdentity.assumeRole',
  assumeRoleWithOptions: 'awsIdentity.assumeRoleWithOptions',
  assumeRoleFromProfile: 'awsIdentity.assumeRoleFromProfile',
  newTerminal: 'awsIdentity.newTerminal',
  clearIdentity: 'awsIdentity.clearIdentity',
  copyIdentityArn: 'awsIdentity.copyIdentityArn',
  refreshProfiles: 'awsIdentity.refreshProfiles',
  openProfileSource: 'awsIdentity.openProfileSource',
  openConfigFile: 'awsIdentity.openConfigFile',
  copyProfileName: 'awsIdentity.copyProfileName',
  /** Registered by the profiles tree, which owns the "show all" state. */
  showAllProfiles: 'awsIdentity.showAllProfiles',
  showLog: 'awsIdentity.showLog',
  /** The active identity's region: the region status bar item's command (src/vscode/commands/pickRegion.ts). */
  pickRegion: 'awsIdentity.pickRegion',
  /** Asks again where terminal keys go (src/vscode/commands/terminalKeys.ts); the first question is asked on its own. */
  chooseTerminalKeys: 'awsIdentity.terminal.chooseKeys',
  ...SSO_COMMAND_IDS,
  ...CONSOLE_COMMAND_IDS,
} as const;

/**
 * Test hooks (src/vscode/testHooks.ts): registered only when VS Code runs the extension's tests,
 * never contributed, never in a user's window. The integration tests call them to read what the
 * user sees (never a secret).
 */
export const INTERNAL_COMMAND_IDS = {
  inspect: 'awsIdentity.internal.inspect',
  terminalState: 'awsIdentity.internal.terminalState',
  /** The live debug session grants. */
  debugState: 'awsIdentity.internal.debugState',
  /** The IAM Identity Center rows, expanded: sign-in nodes, their accounts and roles (src/vscode/sso). */
  ssoTree: 'awsIdentity.internal.ssoTree',
  /** The IAM Identity Center sign-in notifications shown. */
  ssoPrompts: 'awsIdentity.internal.ssoPrompts',
  /** Renews the active identity now, as its background timer would. */
  renewNow: 'awsIdentity.internal.renewNow',
  /** What the region status bar item shows (src/vscode/views/regionStatus.ts). */
  regionStatus: 'awsIdentity.internal.regionStatus',
} as const;

/** Commands src/vscode/commands registers (and the tree's showAllProfiles); the SSO ones register themselves. */
export type CommandName = Exclude<keyof typeof COMMAND_IDS, keyof typeof SSO_COMMAND_IDS | keyof typeof CONSOLE_COMMAND_IDS>;
export type CommandId = (typeof COMMAND_IDS)[CommandName];
