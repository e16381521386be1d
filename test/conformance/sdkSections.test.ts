/**
 * The AWS SDK reads a profile from the few sections sdkSections.ts picks out exactly as it reads
 * it from the whole files. The oracle is the real SDK parser (smithy's parseKnownFiles) on the
 * whole texts; generated configs come from the same arbitraries as the botocore property tests.
 *
 * Replay a failure with FC_SEED=<seed> (printed on failure).
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { externalDataInterceptor, parseKnownFiles } from '@smithy/shared-ini-file-loader';
import {
  type ProfileTexts,
  type SdkSections,
  indexSdkSections,
  indexTexts,
  readProfileAsSdk,
  sdkParse,
  sectionsMentioning,
  withInMemoryFiles,
} from '../../src/credentials/sdkSections';
import { PROFILE_NAMES, configCase, renderCase } from '../support/configArbitraries';

const parse = sdkParse({ externalDataInterceptor, parseKnownFiles });

const own = (s: SdkSections, key: string): unknown => (Object.prototype.hasOwnProperty.call(s, key) ? s[key] : undefined);

/** Every profile and session the SDK's whole-file reading says `profile` leads to. */
function chainOf(full: SdkSections, profile: string): string[] {
  const names = new Set([profile]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const n of [...names]) {
      const s = own(full, n) as Record<string, string | undefined> | undefined;
      for (const next of [s?.source_profile, s?.sso_session]) {
        if (typeof next === 'string' && !names.has(next)) {
          names.add(next);
          grew = true;
        }
      }
    }
  }
  return [...names];
}

describe('sdkSections: the SDK reading of one profile from the sections it needs', () => {
  it('finds the headers smithy sees: comment after the header, indentation, CRLF, a BOM; not "[x]y", not a commented header', () => {
    const text = [
      'region = ignored-before-any-section',
      '[profile a] # note',
      'region = a-1',
      '  [profile b]',
      'region = b-1\r',
      '[profile c]x',
      'region = c-in-b',
      '# [profile d]',
      ';[profile e]',
      '\ufeff[profile f]',
      'region = f-1',
      '[profile g] ;x',
      '',
    ].join('\n');
    assert.deepEqual(indexSdkSections(text).headers, ['[profile a] # note', '  [profile b]', '\ufeff[profile f]', '[profile g] ;x']);
  });

  it('keeps every section whose header mentions a name, duplicates included, in file order, plus __proto__ ones', () => {
    const text = '[profile a]\nregion = 1\n[profile b]\nregion = 2\n[profile a]\noutput = json\n[profile __proto__]\nx = 1\n[profile ab]\nregion = 3';
    assert.equal(
      sectionsMentioning(indexSdkSections(text), ['a']),
      '[profile a]\nregion = 1\n[profile a]\noutput = json\n[profile __proto__]\nx = 1\n[profile ab]\nregion = 3\n',
    );
  });

  it('follows source_profile and sso_session links as the SDK reads them, and parses only those sections', async () => {
    const config = [
      '[profile top]',
      'role_arn = arn:aws:iam::123456789012:role/R',
      'source_profile = mid',
      '[profile unrelated]',
      'region = eu-west-1',
      '[profile mid]',
      'sso_session = org',
      'sso_account_id = 123456789012',
      'sso_role_name = Admin',
      '[sso-session org]',
      'sso_start_url = https://example.awsapps.com/start',
      'sso_region = us-east-1',
      '',
    ].join('\n');
    const reading = await readProfileAsSdk(indexTexts({ config, credentials: '[other]\naws_access_key_id = A\n' }), 'top', parse);
    assert.deepEqual(Object.keys(reading.sections).sort(), ['mid', 'sso-session.org', 'top']);
    assert.equal(reading.sections.mid?.sso_session, 'org');
    assert.equal(reading.sections['sso-session.org']?.sso_region, 'us-east-1');
    assert.ok(!reading.texts.config.includes('unrelated'));
    assert.equal(reading.texts.credentials, '');
  });

  it('leaves nothing registered with the SDK reader once done, even when the reading throws', async () => {
    const before = Object.keys(externalDataInterceptor.getFileRecord()).length;
    await assert.rejects(withInMemoryFiles(externalDataInterceptor, { config: '', credentials: '[a]\naws_secret_access_key = s\n' }, () => Promise.reject(new Error('boom'))), /boom/);
    await readProfileAsSdk(indexTexts({ config: '[profile a]\nregion = x\n', credentials: '' }), 'a', parse);
    assert.equal(Object.keys(externalDataInterceptor.getFileRecord()).length, before);
  });

  it('property: for generated configs, every profile and session a profile leads to reads as in the whole files', async () => {
    await fc.assert(
      fc.asyncProperty(configCase, fc.constantFrom(...PROFILE_NAMES), async (spec, extraName) => {
        const rendered = renderCase(spec);
        const full: ProfileTexts = { config: rendered.config ?? '', credentials: rendered.credentials ?? '' };
        const whole = await parse(full);
        // Each profile the SDK sees, and one name it may not (a missing profile must stay missing).
        for (const profile of new Set([...Object.keys(whole).filter((k) => !k.startsWith('sso-session.')), extraName])) {
          const { sections } = await readProfileAsSdk(indexTexts(full), profile, parse);
          for (const name of chainOf(whole, profile)) {
            for (const key of [name, `sso-session.${name}`]) {
              assert.deepEqual(own(sections, key), own(whole, key), `profile ${JSON.stringify(profile)}: ${JSON.stringify(key)} differs`);
            }
          }
        }
      }),
      { numRuns: Number(process.env.SDK_SECTIONS_RUNS ?? 300), ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });
});
