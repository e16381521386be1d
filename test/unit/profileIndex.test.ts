/**
 * Which config-file sections are profiles, and under which names: botocore splits each header
 * with shlex.split. The index skips the splitter for plain `profile NAME` headers; whatever the
 * header, it must name the same profiles as the splitter does. (shlexSplit itself is checked
 * against Python in the conformance tests.)
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { readIniAsCli } from '../../src/config/iniParser';
import { indexProfiles } from '../../src/config/profileIndex';
import { shlexSplit } from '../../src/config/pythonText';

/** The profiles of config sections with these headers, as botocore's build_profile_map names them. */
function namesBySplitting(headers: readonly string[]): string[] {
  const names = new Set<string>();
  for (const h of headers) {
    const parts = h.startsWith('profile') ? shlexSplit(h) : undefined;
    if (parts?.length === 2) names.add(parts[1]!);
  }
  return [...names];
}

function indexedNames(headers: readonly string[]): string[] {
  const config = readIniAsCli(headers.map((h, i) => `[${h}]\nregion = r${i}`).join('\n'));
  const credentials = readIniAsCli('');
  return [...indexProfiles({ config: { path: 'config', reading: config }, credentials: { path: 'credentials', reading: credentials }, fileProblems: [] }).profiles.keys()];
}

// Names with what shlex treats specially (quotes, backslashes, its four whitespace characters)
// and what it does not (other Unicode spaces, brackets, punctuation).
const nameChar = fc.constantFrom('a', 'B', '-', '.', '@', ':', '/', '"', "'", '\\', ' ', '\t', '\u00a0', '\u3000', '\u2028', 'é', '#');
const header = fc
  .tuple(fc.constantFrom('profile ', 'profile  ', 'profile\t', 'profile', 'profilex '), fc.array(nameChar, { maxLength: 8 }))
  .map(([prefix, chars]) => `${prefix}${chars.join('')}`);

describe('the profile index', () => {
  it('names the profiles of the config file as shlex.split of each header does', () => {
    fc.assert(
      fc.property(fc.uniqueArray(header, { maxLength: 6 }), (headers) => {
        // A header that does not survive the file's reading as written is left out of the case.
        const kept = headers.filter((h) => readIniAsCli(`[${h}]\nregion = r`).sections[0]?.header === h);
        assert.deepEqual(indexedNames(kept), namesBySplitting(kept));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a plain profile header without splitting it, and an odd one with the splitter', () => {
    assert.deepEqual(indexedNames(['profile dev', 'profile "my name"', 'profile  two-spaces', 'profile a b', 'profile it\'s', 'profilex y']), [
      'dev',
      'my name',
      'two-spaces',
      'y',
    ]);
  });
});
