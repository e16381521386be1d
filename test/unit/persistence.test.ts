/** What may go where VS Code saves terminals (no VS Code needed). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHOOSE_KEYS_COMMAND, consentDetail, keyChoice, terminalPlan } from '../../src/terminal/persistence';
import { COMMAND_IDS } from '../../src/vscode/commands/commandIds';

describe('terminalPlan (what VS Code may save)', () => {
  const base = { automatic: false, persistentSessions: true, consent: undefined };
  it('endpoint mode shares its (secret-free) variables; own terminals need not be transient', () => {
    assert.deepEqual(terminalPlan({ ...base, mode: 'endpoint' }), { sharedVariables: true, ownTerminalKeys: false, ownTerminalTransient: false, askConsent: false });
    assert.deepEqual(terminalPlan({ ...base, mode: 'off' }).sharedVariables, false);
  });
  it('environment mode with persistent sessions on: no keys in the shared collection until allowed; own terminals get them, transient; ask once', () => {
    for (const automatic of [false, true]) {
      const p = terminalPlan({ ...base, mode: 'environment', automatic });
      assert.equal(p.sharedVariables, false, 'keys must not reach "+" terminals VS Code saves');
      assert.equal(p.ownTerminalKeys, true);
      assert.equal(p.ownTerminalTransient, true);
      assert.equal(p.askConsent, true);
      assert.match(p.notice!, /saves the environment of terminals.*New Terminal as Active Identity/);
    }
    const declined = terminalPlan({ ...base, mode: 'environment', consent: 'declined' });
    assert.equal(declined.sharedVariables, false);
    assert.equal(declined.askConsent, false, 'asked once');
    const allowed = terminalPlan({ ...base, mode: 'environment', consent: 'allowed' });
    assert.deepEqual(allowed, { sharedVariables: true, ownTerminalKeys: false, ownTerminalTransient: true, askConsent: false });
  });
  it('environment mode with persistent sessions off: nothing is saved, keys are shared without asking', () => {
    assert.deepEqual(terminalPlan({ ...base, mode: 'environment', persistentSessions: false }), {
      sharedVariables: true,
      ownTerminalKeys: false,
      ownTerminalTransient: true,
      askConsent: false,
    });
  });

  it('the notice before an answer says keys wait for the user; after "Only in AWS Identity Terminals" it names the command to change it', () => {
    const env = { ...base, mode: 'environment' as const };
    const undecided = terminalPlan(env).notice!;
    assert.match(undecided, /Until you allow it, only terminals opened with "AWS Identity: New Terminal as Active Identity" get AWS credentials/);
    for (const automatic of [false, true]) {
      const notice = terminalPlan({ ...env, automatic, consent: 'declined' }).notice!;
      assert.doesNotMatch(notice, /until you allow/i, 'the answer stands: nothing is pending');
      assert.match(notice, /You chose to keep the keys out of them: only terminals opened with "AWS Identity: New Terminal as Active Identity" get AWS credentials/);
      assert.match(notice, /"\+" terminals get none from this extension/);
      assert.ok(notice.endsWith(`To put the keys in all terminals, run "${CHOOSE_KEYS_COMMAND}".`), notice);
      assert.match(notice, automatic ? /^The credential endpoint would lose/ : /^Terminals get the keys as environment variables/);
    }
  });

  it('the command the texts name is the one package.json contributes', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { commands: { command: string; title: string; category: string }[] } };
    const command = manifest.contributes.commands.find((c) => c.command === COMMAND_IDS.chooseTerminalKeys);
    assert.ok(command, `${COMMAND_IDS.chooseTerminalKeys} is not contributed`);
    assert.equal(`${command.category}: ${command.title}`, CHOOSE_KEYS_COMMAND);
    assert.equal(CHOOSE_KEYS_COMMAND, 'AWS Identity: Change Where Terminal Keys Go…');
  });

  it('the modal says the choice is kept and names the command; asked again, it says what is in force', () => {
    const first = consentDetail('Q?', undefined);
    assert.equal(first, `Q?\n\nYour choice is kept for this workspace; change it with "${CHOOSE_KEYS_COMMAND}".`);
    assert.ok(consentDetail('Q?', 'declined').startsWith('Now: keys go only in AWS Identity terminals.\n\nQ?'));
    assert.ok(consentDetail('Q?', 'allowed').startsWith('Now: keys go in all terminals.\n\nQ?'));
  });
});

describe('keyChoice (what "Change Where Terminal Keys Go…" does)', () => {
  const on = { persistentSessions: true };
  it('asks wherever terminalPlan keeps keys out of "+" terminals (whatever the earlier answer: it is not an input)', () => {
    const c = keyChoice({ ...on, configured: 'environment', inUse: 'environment' });
    assert.ok('question' in c);
    assert.match(c.question, /^Terminals get the keys as environment variables.*Put the keys in all terminals.*"AWS Identity: New Terminal as Active Identity"/);
    assert.doesNotMatch(c.question, /until you allow/i, 'the command may ask after "Put Keys in All Terminals" too');
    // The fallback from the endpoint counts; with no identity the setting decides.
    const fallback = keyChoice({ ...on, configured: 'endpoint', inUse: 'environment' });
    assert.ok('question' in fallback && fallback.question.startsWith('The credential endpoint would lose'));
    assert.ok('question' in keyChoice({ ...on, configured: 'environment', inUse: undefined }));
  });
  it('elsewhere says why there is nothing to choose and names the setting that decides', () => {
    const off = keyChoice({ ...on, configured: 'off', inUse: undefined });
    assert.deepEqual(off, { reason: 'Terminals get no AWS credentials from this extension (awsIdentity.terminal.credentials is "off"), so there is nothing to choose.', setting: 'awsIdentity.terminal.credentials' });
    for (const inUse of ['endpoint', undefined] as const) {
      const endpoint = keyChoice({ ...on, configured: 'endpoint', inUse });
      assert.ok('reason' in endpoint);
      assert.equal(endpoint.setting, 'awsIdentity.terminal.credentials');
      assert.match(endpoint.reason, /credential endpoint \(awsIdentity\.terminal\.credentials is "endpoint"\).*never a key, so there is nothing to choose/);
    }
    const unsaved = keyChoice({ ...on, persistentSessions: false, configured: 'environment', inUse: 'environment' });
    assert.deepEqual(unsaved, {
      reason: 'VS Code does not save terminals (terminal.integrated.enablePersistentSessions is off), so every terminal gets the keys and there is nothing to choose.',
      setting: 'terminal.integrated.enablePersistentSessions',
    });
  });
});
