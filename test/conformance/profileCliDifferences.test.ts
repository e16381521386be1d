/**
 * Each place where other INI readers (the SDK's among them) read a file differently from the AWS
 * CLI, which the profile model follows. Each case is written to real files, read by
 * loadProfileModel, and also read by botocore (one batch, see test/support/profileCases.ts), so
 * every expectation about the CLI is checked against the CLI's own code.
 */
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import type { ProfileKind, ProfileModel } from '../../src/shared/types';
import type { OracleReading } from '../support/botocore';
import { ARN, type Files, KEY, SECRET, cli, keys, load, profile, readCasesWithBotocore, scenario } from '../support/profileCases';

describe('profile model (checked against botocore)', () => {
  readCasesWithBotocore();

  /**
   * Each place found where another reader of these files (the SDK's parser among them) differs
   * from the AWS CLI (botocore). The model follows the CLI: a profile the CLI can use is listed
   * with no problem, and gets a plan, however other readers would read it.
   */
  describe('where other readers and the CLI differ, the extension follows the CLI', () => {
    const follows = (title: string, files: Files, check: (ctx: { m: ProfileModel; cli: OracleReading }) => void): void => {
      const id = scenario(`cli: ${title}`, files);
      it(title, async () => {
        const m = await load(id);
        check({ m, cli: cli(id) });
      });
    };
    /** The CLI gets credentials for `name`, and the model lists it with that kind and no problem. */
    const usable = (m: ProfileModel, r: OracleReading, name: string, kind: ProfileKind): void => {
      assert.equal(r.profiles![name]!.verdict, 'credentials', `botocore resolves "${name}"`);
      assert.equal(profile(m, name).problem, undefined, `"${name}" is usable`);
      assert.equal(profile(m, name).kind, kind);
    };

    follows('inline comments: the CLI keeps "# ..." and "; ..." in the value', { config: `[profile r]\nrole_arn = ${ARN} ; prod\ncredential_source = Environment\n` }, ({ m, cli }) => {
      assert.equal(cli.profiles!.r!.settings.role_arn, `${ARN} ; prod`);
      assert.equal(profile(m, 'r').roleArn, `${ARN} ; prod`);
      assert.match(profile(m, 'r').problem!, /not an IAM role ARN \(the AWS CLI does not treat # or ; after a value as a comment\)/);
    });
    follows('"key: value": the CLI accepts a colon', { credentials: `[k]\naws_access_key_id: ${KEY}\naws_secret_access_key: ${SECRET}\n` }, ({ m, cli }) => usable(m, cli, 'k', 'static'));
    follows('upper-case keys: the CLI lower-cases them', { config: `[profile r]\nROLE_ARN = ${ARN}\nCredential_Source = Environment\n` }, ({ m, cli }) => usable(m, cli, 'r', 'credentialSource'));
    follows('an indented line continues the value above for the CLI', { config: `[profile r]\nregion = us-east-1\n  role_arn = ${ARN}\n` }, ({ m, cli }) => {
      assert.equal(cli.profiles!.r!.settings.region, `us-east-1\nrole_arn = ${ARN}`);
      assert.equal(cli.profiles!.r!.settings.role_arn, undefined);
      assert.equal(profile(m, 'r').kind, 'none');
      assert.match(profile(m, 'r').problem!, /region of profile "r" is followed by indented lines, which the AWS CLI reads as more lines of its value/);
    });
    follows('[DEFAULT]: the CLI applies its settings to every section', { credentials: `[DEFAULT]\nregion = eu-west-1\n[dev]\n${keys}` }, ({ m, cli }) => {
      assert.deepEqual(Object.keys(cli.profiles!), ['dev']);
      assert.equal(cli.profiles!.dev!.settings.region, 'eu-west-1');
      assert.deepEqual(m.profiles.map((p) => p.name), ['dev']);
      assert.equal(profile(m, 'dev').region, 'eu-west-1');
      usable(m, cli, 'dev', 'static');
    });
    follows('[profile x] in the credentials file: the CLI reads a profile named "profile x", usable as a source_profile', {
      config: `[profile r]\nrole_arn = ${ARN}\nsource_profile = profile x\n`,
      credentials: `[profile x]\n${keys}`,
    }, ({ m, cli }) => {
      assert.deepEqual(Object.keys(cli.profiles!).sort(), ['profile x', 'r']);
      usable(m, cli, 'profile x', 'static');
      usable(m, cli, 'r', 'sourceProfile');
    });
    follows(
      'profile names: the CLI reads quoted names with spaces, any letters and extra spaces',
      { config: `[profile "my profile"]\n${keys}[profile é]\n${keys}[profile  two-spaces]\n${keys}[profile plain]\n${keys}` },
      ({ m, cli }) => {
        assert.deepEqual(Object.keys(cli.profiles!).sort(), ['my profile', 'plain', 'two-spaces', 'é']);
        for (const n of ['my profile', 'é', 'two-spaces', 'plain']) usable(m, cli, n, 'static');
      },
    );
    follows('[profile name with spaces] unquoted: ignored by the CLI; listed so the user learns why', { config: `[profile my profile]\n${keys}` }, ({ m, cli }) => {
      assert.deepEqual(Object.keys(cli.profiles!), []);
      assert.match(profile(m, 'my profile').problem!, /The AWS CLI ignores the section \[profile my profile\].*must be in quotes.*\[profile "my profile"\]/);
    });
    follows('[myprofile] in the config file: ignored by the CLI; listed with the fix', { config: `[myprofile]\nrole_arn = ${ARN}\nsource_profile = x\n` }, ({ m, cli }) => {
      assert.deepEqual(Object.keys(cli.profiles!), []);
      assert.match(profile(m, 'myprofile').problem!, /rename the header to \[profile myprofile\]/);
    });
    follows('[default] and [profile default]: the later section wins for the CLI', { config: '[profile default]\nregion = us-east-1\n[default]\nregion = eu-west-1\n' }, ({ m, cli }) => {
      assert.equal(cli.profiles!.default!.settings.region, 'eu-west-1');
      assert.equal(profile(m, 'default').region, 'eu-west-1');
      assert.deepEqual(profile(m, 'default').definedIn, [{ file: m.configFile, line: 2 }]);
    });
    follows('one profile under two headers: the CLI takes the later section whole', { config: `[profile x]\nrole_arn = ${ARN}\nsource_profile = base\n[profile "x"]\nregion = us-east-1\n[profile base]\n${keys}` }, ({ m, cli }) => {
      assert.equal(cli.profiles!.x!.settings.role_arn, undefined);
      assert.equal(cli.profiles!.x!.verdict, 'none');
      assert.equal(profile(m, 'x').kind, 'none');
      assert.equal(profile(m, 'x').problem, undefined);
    });
    follows('a duplicate section: the CLI refuses the whole file', { config: `[profile x]\nregion = us-east-1\n[profile x]\n${keys}` }, ({ m, cli }) => {
      assert.match(cli.fullConfigError!, /DuplicateSectionError|already exists/);
      assert.match(m.fileProblems.join('\n'), /The AWS CLI cannot read .*config: the section \[profile x\] appears twice \(lines 1 and 3\)\. Until this is fixed every aws command fails/);
      assert.match(profile(m, 'x').problem!, /The AWS CLI cannot read .*which defines this profile/);
    });
    follows('a key before any section, or a line that is not a setting: the CLI refuses the file', { config: `region = us-east-1\n[profile x]\n${keys}junk\n` }, ({ m, cli }) => {
      assert.match(cli.fullConfigError!, /MissingSectionHeader|File contains no section headers/);
      assert.match(m.fileProblems.join('\n'), /line 1 is not inside any \[section\]/);
    });
    follows('a byte-order mark: the CLI refuses the file', { config: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`[profile x]\n${keys}`)]) }, ({ m, cli }) => {
      assert.ok(cli.fullConfigError);
      assert.match(m.fileProblems.join('\n'), /starts with a byte-order mark \(BOM\).*Next step: save the file as UTF-8 without a BOM/);
      assert.match(profile(m, 'x').problem!, /cannot read/);
    });
    follows('bytes that are not UTF-8: the CLI refuses the file', { config: Buffer.from(`[profile x]\n# caf\xe9\n${keys}`, 'latin1') }, ({ m, cli }) => {
      assert.ok(cli.fullConfigError);
      assert.match(m.fileProblems.join('\n'), /not valid UTF-8 \(line 2 has bytes in another encoding\)/);
    });
    follows('a lone CR ends a line for the CLI', { credentials: `[x]\raws_access_key_id = ${KEY}\raws_secret_access_key = ${SECRET}\r` }, ({ m, cli }) => usable(m, cli, 'x', 'static'));
    follows('"key =" with no value: the CLI reads an empty value', { config: `[profile r]\nrole_arn = ${ARN}\ncredential_source = Environment\nmfa_serial =\n` }, ({ m, cli }) => {
      assert.equal(cli.profiles!.r!.settings.mfa_serial, '');
      usable(m, cli, 'r', 'credentialSource');
    });
    follows(
      'an sso-session setting with indented sub-settings: a block for the CLI (found by the property test, seed 2109007767)',
      { config: '[profile prod]\nregion = us-east-1\nsso_session = other\n[sso-session other]\nsso_region =\n  sub_setting = eu-west-1\n' },
      ({ m, cli }) => {
        assert.equal(cli.profiles!.prod!.verdict, 'none');
        assert.deepEqual(cli.ssoSessionSettings!.other!.sso_region, { sub_setting: 'eu-west-1' });
        assert.equal(profile(m, 'prod').kind, 'none');
        assert.equal(profile(m, 'prod').problem, undefined);
      },
    );
    follows('a [__proto__] section: the CLI reads it as any other', { credentials: `[__proto__]\nregion = us-east-1\n[dev]\n${keys}` }, ({ m, cli }) => {
      assert.deepEqual(m.fileProblems, []);
      usable(m, cli, 'dev', 'static');
      assert.equal(profile(m, '__proto__').kind, 'none');
    });
    follows('text after a header: the CLI ignores it', { config: `[profile a]\nregion = us-east-1\n[profile b] trailing\n${keys}` }, ({ m, cli }) => usable(m, cli, 'b', 'static'));
    follows('an indented header continues the value above for the CLI', { config: `[profile a]\nregion = us-east-1\n  [profile b]\n${keys}` }, ({ m, cli }) => {
      assert.equal(cli.profiles!.b, undefined);
      assert.deepEqual(m.profiles.map((p) => p.name), ['a']);
      assert.match(profile(m, 'a').problem!, /region of profile "a" is followed by indented lines/);
    });
    follows(
      'role_arn + web_identity_token_file + source_profile: the CLI uses web identity (the SDK\'s fromIni would assume the role from source_profile)',
      { config: `[profile w]\nrole_arn = ${ARN}\nweb_identity_token_file = ${os.tmpdir()}/no-token\nsource_profile = base\n[profile base]\n${keys}` },
      ({ m, cli }) => {
        assert.equal(cli.profiles!.w!.method, 'assume-role-with-web-identity');
        usable(m, cli, 'w', 'webIdentity');
      },
    );
  });
});
