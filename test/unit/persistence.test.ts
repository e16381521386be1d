/** What may go where VS Code saves terminals (no VS Code needed). */
import * as assert from 'node:assert/strict';
import { terminalPlan } from '../../src/terminal/persistence';

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
});
