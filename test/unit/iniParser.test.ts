/**
 * The CLI reading of one file, without Python: an empty [DEFAULT] first changes nothing botocore
 * sees (every section, setting and refusal is the same, one line further down), and a section's
 * settings are read as configparser reads them. (What the reading must say is checked against
 * botocore itself in configProperties.test.ts and the profile*.test.ts files.)
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { type IniReading, readIniAsCli } from '../../src/config/iniParser';

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

describe('the CLI reading of one file', () => {
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
