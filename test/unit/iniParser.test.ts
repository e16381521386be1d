/**
 * The CLI reading of one file, without Python: an empty [DEFAULT] first changes nothing botocore
 * sees (every section, setting and refusal is the same, one line further down), and a section's
 * settings are read as configparser reads them. (What the reading must say is checked against
 * botocore itself in configProperties.test.ts and the profile*.test.ts files.)
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { type IniReading, readIniAsCli } from '../../src/config/iniParser';
import { isPySpace, PY_SPLITLINES, pyRstrip, pyStrip } from '../../src/config/pythonText';

/** Sections with their settings as plain data, the header lines moved by `shift`. */
function plain(r: IniReading, shift: number): unknown {
  return {
    sections: r.sections.map((s) => ({ header: s.header, line: s.line + shift, settings: [...s.settings] })),
    refused: r.refusal !== undefined,
    fix: r.refusal?.fix,
  };
}

// Lines of every kind the reading tells apart, with the spacing, case and delimiters it must handle.
const settingLine = fc.tuple(
  fc.constantFrom('region', 'REGION', 'role_arn', 'sso_session', 'x', 'Custom_Key', ''),
  fc.constantFrom(' = ', '=', ': ', ' :', '\t=\t', ' =', '\u00a0=\u2003'),
  fc.constantFrom('us-east-1', 'arn:aws:iam::123456789012:role/R', 'a=b', 'a:b', '', 'v # not a comment', 'https://x.example/start'),
  fc.constantFrom('', ' ', '\t', '\u3000'),
).map(([k, d, v, tail]) => `${k}${d}${v}${tail}`);
const otherLine = fc.constantFrom('', '   ', '# comment', '; comment', '  # indented comment', 'no delimiter here', '[', '[]', 'key', '  region = indented');
const header = fc.constantFrom('[profile a]', '[profile b]', '[c]', '  [profile d]  ', '[profile e] trailing', '[sso-session s]', '[profile a]]');
const body = fc.array(fc.oneof({ weight: 3, arbitrary: settingLine }, { weight: 1, arbitrary: otherLine }), { maxLength: 6 });
const fileText = fc
  .tuple(fc.array(fc.tuple(header, body), { minLength: 1, maxLength: 5 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean())
  .map(([sections, eol, finalEol]) => sections.flatMap(([h, lines]) => [h, ...lines]).join(eol) + (finalEol ? eol : ''));

/**
 * configparser's loop (3.11 `_read`, strict, botocore's comment prefixes) written the plain way,
 * one string per line, then botocore's blocks: the reading above scans positions in the text
 * instead (and shares repeated keys), and must come to the same sections, settings and verdict.
 */
function referenceReading(text: string): unknown {
  const sections = new Map<string, { line: number; values: Map<string, string[]> }>();
  const defaults = new Map<string, string[]>();
  let values: Map<string, string[]> | undefined;
  let option: string | undefined;
  let indentLevel = 0;
  let refused = false;
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((line, n) => {
      const content = pyStrip(line);
      if (content.startsWith('#') || content.startsWith(';')) return;
      if (content === '') {
        if (values && option) values.get(option)!.push('');
        return;
      }
      let indent = 0;
      while (isPySpace(line.charCodeAt(indent))) indent++;
      if (values && option && indent > indentLevel) {
        values.get(option)!.push(content);
        return;
      }
      indentLevel = indent;
      const header = /^\[([\s\S]+)\]/.exec(content)?.[1];
      if (header !== undefined) {
        option = undefined;
        if (header === 'DEFAULT') values = defaults;
        else if (sections.has(header)) [refused, values] = [true, sections.get(header)!.values];
        else sections.set(header, { line: n, values: (values = new Map()) });
        return;
      }
      const delimiter = [...content].findIndex((c) => c === '=' || c === ':');
      if (!values || delimiter < 0) {
        refused = true;
        return;
      }
      const key = pyRstrip(content.slice(0, delimiter)).toLowerCase();
      if (key === '' || values.has(key)) refused = true;
      values.set(key, [pyStrip(content.slice(delimiter + 1))]);
      option = key;
    });
  const joined = (parts: string[]): unknown => {
    const value = pyRstrip(parts.join('\n'));
    if (!value.startsWith('\n')) return value;
    const block: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const sub of value.split(PY_SPLITLINES).map(pyStrip)) {
      const eq = sub.indexOf('=');
      if (sub === '') continue;
      if (eq < 0) refused = true;
      else block[pyStrip(sub.slice(0, eq))] = pyStrip(sub.slice(eq + 1));
    }
    return block;
  };
  return {
    sections: [...sections].map(([header, { line, values }]) => ({
      header,
      line,
      settings: [...new Map([...defaults, ...values])].map(([k, parts]) => [k, joined(parts)]),
    })),
    refused,
  };
}

// Lines that exercise the scanning: one key in many spellings of the same length, delimiters
// far apart or missing for many lines, indented and blank lines between values.
const spelledKey = fc.constantFrom('region', 'REGION', 'Region', 'rEgion', 'reGion', 'regIon', 'regiOn', 'regioN', 'REgion', 'ReGiOn', 'x', 'X', 'sso_session');
const scanLine = fc.oneof(
  fc.tuple(spelledKey, fc.constantFrom(' = ', '=', ':', ' : ', '\u00a0=\u3000'), fc.constantFrom('v', 'a=b', 'a:b', 'https://x/y', '', 'v # c')).map(([k, d, v]) => `${k}${d}${v}`),
  fc.constantFrom('', ' ', '# c', '; c', 'no delimiter', 'x', '  indented', '\tdeeper = 1', '  a = b', '[profile a]', '[profile b]', '[DEFAULT]', ' [c] x', '[]', '['),
);
const scanText = fc
  .tuple(fc.array(scanLine, { maxLength: 40 }), fc.constantFrom('\n', '\r\n', '\r'))
  .map(([lines, eol]) => ['[profile a]', ...lines].join(eol));

describe('the CLI reading of one file', () => {
  it("reads as configparser's loop written line by line does", () => {
    fc.assert(
      fc.property(scanText, (text) => {
        const reading = readIniAsCli(text);
        const actual = { sections: reading.sections.map((s) => ({ header: s.header, line: s.line, settings: [...s.settings] })), refused: reading.refusal !== undefined };
        assert.deepEqual(actual, referenceReading(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('lower-cases a key however many spellings of it the file has', () => {
    const spellings = ['region', 'REGION', 'Region', 'rEgion', 'reGion', 'regIon', 'regiOn', 'regioN', 'REgion', 'ReGiOn', 'rEGION'];
    const reading = readIniAsCli(spellings.map((k, i) => `[s${i}]\n${k} = ${i}`).join('\n'));
    assert.deepEqual(
      reading.sections.map((s) => [...s.settings]),
      spellings.map((_, i) => [['region', String(i)]]),
    );
  });

  it('reads the same sections, settings and refusal with an empty [DEFAULT] before them', () => {
    fc.assert(
      fc.property(fileText, (text) => {
        assert.deepEqual(plain(readIniAsCli(text), 0), plain(readIniAsCli(`[DEFAULT]\n${text}`), -1));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads keys lower-cased, values after the first = or :, comments skipped', () => {
    const reading = readIniAsCli('[profile a]\nregion = eu-west-1\n[profile b]\nRegion : us-east-1\n# note\noutput=json');
    const [a, b] = reading.sections;
    assert.equal(reading.refusal, undefined);
    assert.deepEqual([...b!.settings], [
      ['region', 'us-east-1'],
      ['output', 'json'],
    ]);
    assert.deepEqual([...a!.settings], [['region', 'eu-west-1']]);
  });

  it('reads the refusals, [DEFAULT], continued values and blocks as configparser and botocore do', () => {
    const reading = readIniAsCli('[DEFAULT]\nregion = eu-west-1\n[profile a]\nrole_arn = x\n  more\ns3 =\n  addressing_style = path\n[profile b]\nregion = us-east-1\n');
    assert.equal(reading.refusal, undefined);
    assert.equal(reading.continuedValues, true);
    const [a, b] = reading.sections;
    assert.deepEqual(Object.fromEntries(a!.settings), { region: 'eu-west-1', role_arn: 'x\nmore', s3: Object.assign(Object.create(null), { addressing_style: 'path' }) });
    assert.equal(b!.settings.get('region'), 'us-east-1');
    assert.match(readIniAsCli('[a]\nx = 1\n[a]\ny = 2\n').refusal!.cause, /the section \[a\] appears twice \(lines 1 and 3\)/);
    assert.match(readIniAsCli('x = 1\n[a]\n').refusal!.cause, /line 1 is not inside any \[section\]/);
    assert.match(readIniAsCli('[a]\nx = 1\n', { hadByteOrderMark: true }).refusal!.cause, /byte-order mark/);
    const crlf = readIniAsCli('[a]\r\nx = 1\r[b]\r\ny = 2\r\n');
    assert.deepEqual(crlf.sections.map((s) => [s.header, s.line, [...s.settings]]), [
      ['a', 0, [['x', '1']]],
      ['b', 2, [['y', '2']]],
    ]);
  });
});
