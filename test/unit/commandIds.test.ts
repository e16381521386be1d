import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS, INTERNAL_COMMAND_IDS } from '../../src/vscode/commands/commandIds';

interface Contributes {
  commands?: { command: string }[];
  menus?: Record<string, { command?: string; submenu?: string; alt?: string }[]>;
  keybindings?: { command: string }[];
  viewsWelcome?: { contents: string }[];
}

// Compiled to out/test/unit: the package.json is three levels up.
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: Contributes };
const contributes = manifest.contributes;
const table = new Set<string>(Object.values(COMMAND_IDS));

describe('command ids: package.json and the table agree', () => {
  it('contributes.commands lists exactly the table, once each', () => {
    const contributed = (contributes.commands ?? []).map((c) => c.command);
    assert.equal(new Set(contributed).size, contributed.length, 'a command contributed twice');
    assert.deepEqual(contributed.filter((id) => !table.has(id)), [], 'contributed but not in COMMAND_IDS');
    assert.deepEqual([...table].filter((id) => !contributed.includes(id)), [], 'in COMMAND_IDS but not contributed');
  });

  it('every menu entry names a command of the table', () => {
    const referenced = Object.entries(contributes.menus ?? {}).flatMap(([menu, items]) =>
      items.flatMap((item) => [item.command, item.alt].filter((id): id is string => id !== undefined).map((id) => ({ menu, id }))),
    );
    assert.ok(referenced.length > 0);
    assert.deepEqual(referenced.filter((r) => !table.has(r.id)), []);
  });

  it('every keybinding names a command of the table', () => {
    assert.deepEqual((contributes.keybindings ?? []).map((k) => k.command).filter((id) => !table.has(id)), []);
  });

  it('every command link in the view welcome content names a command of the table', () => {
    const links = (contributes.viewsWelcome ?? []).flatMap((w) => [...w.contents.matchAll(/\(command:([^)?\s]+)/g)].map((m) => m[1]!));
    assert.ok(links.length > 0);
    assert.deepEqual(links.filter((id) => !table.has(id)), []);
  });

  it('internal commands stay out of package.json and do not reuse a public id', () => {
    const contributed = new Set((contributes.commands ?? []).map((c) => c.command));
    for (const id of Object.values(INTERNAL_COMMAND_IDS)) {
      assert.ok(!contributed.has(id), `${id} is contributed`);
      assert.ok(!table.has(id), `${id} is also public`);
    }
  });

  it('every id is in the extension namespace', () => {
    for (const id of [...table, ...Object.values(INTERNAL_COMMAND_IDS)]) assert.match(id, /^awsIdentity\.[A-Za-z.]+$/);
  });
});
