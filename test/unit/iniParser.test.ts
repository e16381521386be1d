/**
 * The CLI reading's two ways of reading a file agree. Most files are read lazily (each section's
 * settings sliced from the text when first asked for); a file with [DEFAULT], a continued value
 * or a repeated section is read eagerly. An empty [DEFAULT] first changes nothing botocore sees
 * but sends the same text down the eager path, so the two readings can be compared line for line.
 * (What either reading must say is checked against botocore itself in configProperties.test.ts.)
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { type CliIniReading, readIniAsCli } from '../../src/config/iniParser';

/** Sections with their settings as plain data, the header lines moved by `shift`. */
function plain(r: CliIniReading, shift: number): unknown {
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
  it('reads the same sections, settings and refusal lazily as eagerly', () => {
    fc.assert(
      fc.property(fileText, (text) => {
        assert.deepEqual(plain(readIniAsCli(text), 0), plain(readIniAsCli(`[DEFAULT]\n${text}`), -1));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a section body into settings only when they are asked for, and once', () => {
    const reading = readIniAsCli('[profile a]\nregion = eu-west-1\n[profile b]\nRegion : us-east-1\n# note\noutput=json');
    const [a, b] = reading.sections;
    assert.equal(reading.refusal, undefined);
    assert.deepEqual([...b!.settings], [
      ['region', 'us-east-1'],
      ['output', 'json'],
    ]);
    assert.equal(b!.settings, b!.settings, 'the settings are made once');
    assert.deepEqual([...a!.settings], [['region', 'eu-west-1']]);
  });
});
