"""How the AWS CLI (botocore) reads a pair of shared config files: the oracle for our tests.

Reads one JSON batch on stdin and writes one JSON answer on stdout, so a test pays for one
Python start and one botocore import per batch, not per case:

  in:  {"cases": [{"id": "...", "config": <base64 or null>, "credentials": <base64 or null>}]}
       (null = the file does not exist)
  out: {"botocore": "<version>", "python": "<version>", "cases": [<reading>, ...]}

A reading says, for every profile botocore knows (the keys of session.full_config['profiles']):
its raw settings (secret values replaced by their SHA-256), region validity, and what botocore's own
credential resolution chain does for `--profile NAME`: 'credentials' (with the provider's METHOD),
'none' (no provider in the profile's chain found anything), or 'error' (with botocore's message).

Strict stand-ins, only where the real part needs a network or a program we do not want to run:
  - credential_source providers (Environment, EcsContainer, Ec2InstanceMetadata) answer with fixed
    credentials: the real ones read the environment / the container endpoint / IMDS;
  - credential_process is never executed: a fake Popen answers with a valid version-1 document;
  - the login provider (`aws login`) needs the CRT and a token cache; it is replaced by one that
    answers whenever `login_session` is set, which is the condition botocore itself checks first;
  - creating an STS/SSO client raises: every role botocore would assume is deferred, so a client
    being created would mean our premise is wrong, and the case then reports an error loudly.
The roles botocore would assume (in the order it builds them: innermost source first) are recorded
by wrapping AssumeRoleCredentialFetcher, which is where botocore hands over role_arn and
DurationSeconds.
"""

import base64
import hashlib
import json
import os
import sys
import tempfile

import botocore
import botocore.configloader
import botocore.credentials as bc
import botocore.exceptions
import botocore.session
import botocore.utils

SECRET_KEYS = {'aws_secret_access_key', 'aws_session_token', 'aws_security_token'}

for var in list(os.environ):
    # The environment must not leak into the reading (AWS_PROFILE, AWS_DEFAULT_REGION, keys...).
    if var.startswith('AWS_'):
        del os.environ[var]


class _FakeSource(bc.CredentialProvider):
    def load(self):
        return bc.Credentials('ASIAFAKESOURCEEXAMPLE', 'fake-source-secret', 'fake-token', method=self.METHOD)


class FakeEnv(_FakeSource):
    METHOD = 'env'
    CANONICAL_NAME = 'Environment'


class FakeContainer(_FakeSource):
    METHOD = 'container-role'
    CANONICAL_NAME = 'EcsContainer'


class FakeImds(_FakeSource):
    METHOD = 'iam-role'
    CANONICAL_NAME = 'Ec2InstanceMetadata'


class FakePopen:
    returncode = 0

    def __init__(self, args, **_kwargs):
        if not args:
            # What the real Popen does with an empty command line.
            raise IndexError('list index out of range')

    def communicate(self):
        doc = {'Version': 1, 'AccessKeyId': 'ASIAFAKEPROCESSEXAMPLE', 'SecretAccessKey': 'fake'}
        return json.dumps(doc).encode(), b''


class FakeLogin(bc.CredentialProvider):
    METHOD = 'login'

    def __init__(self, session, profile_name):
        self._session = session
        self._profile_name = profile_name

    def load(self):
        profile = self._session.full_config.get('profiles', {}).get(self._profile_name, {})
        if 'login_session' not in profile:
            return None
        return bc.Credentials('ASIAFAKELOGINEXAMPLE', 'fake', 'fake', method=self.METHOD)


class Builder(bc.ProfileProviderBuilder):
    def _create_process_provider(self, profile_name):
        return bc.ProcessProvider(profile_name=profile_name, load_config=lambda: self._session.full_config, popen=FakePopen)

    def _create_login_provider(self, profile_name):
        return FakeLogin(self._session, profile_name)


def no_client(*_args, **_kwargs):
    raise AssertionError('botocore tried to create a client while only resolving configuration')


ASSUMED = []
_RealFetcher = bc.AssumeRoleCredentialFetcher


class RecordingFetcher(_RealFetcher):
    def __init__(self, client_creator, source_credentials, role_arn, extra_args=None, **kwargs):
        ASSUMED.append({'roleArn': role_arn, 'durationSeconds': (extra_args or {}).get('DurationSeconds')})
        super().__init__(client_creator, source_credentials, role_arn, extra_args=extra_args, **kwargs)


bc.AssumeRoleCredentialFetcher = RecordingFetcher

ROLE_CHAIN = []
_real_get_role_config = bc.AssumeRoleProvider._get_role_config


def recording_get_role_config(self, profile_name):
    # The profiles whose role botocore assumes, outermost first (validation runs top-down).
    ROLE_CHAIN.append(profile_name)
    return _real_get_role_config(self, profile_name)


bc.AssumeRoleProvider._get_role_config = recording_get_role_config


def plain(value):
    """Settings as JSON: nested (indented) blocks stay objects."""
    return value if isinstance(value, (str, dict)) else str(value)


def secret_digest(value):
    # Secrets are compared by digest: the reading must not carry them, even fake ones.
    return {'sha256': hashlib.sha256(str(value).encode('utf-8')).hexdigest(), 'multiline': '\n' in str(value), 'block': isinstance(value, dict)}


def settings_of(profile):
    return {k: (secret_digest(v) if k in SECRET_KEYS else plain(v)) for k, v in profile.items()}


def region_valid(region):
    if not isinstance(region, str):
        return None
    try:
        botocore.utils.validate_region_name(region)
        return True
    except botocore.exceptions.InvalidRegionError:
        return False


def resolve(session, name):
    """Runs botocore's chain for `--profile name` (no env provider, no post-profile network providers)."""
    del ASSUMED[:]
    del ROLE_CHAIN[:]
    builder = Builder(session, cache={})
    assume_role = bc.AssumeRoleProvider(
        load_config=lambda: session.full_config,
        client_creator=no_client,
        cache={},
        profile_name=name,
        credential_sourcer=bc.CanonicalNameCredentialSourcer([FakeEnv(), FakeContainer(), FakeImds()]),
        profile_provider_builder=builder,
    )
    providers = [assume_role] + builder.providers(profile_name=name, disable_env_vars=True)
    for provider in providers:
        # Web identity and SSO create clients on refresh only; make any earlier attempt loud.
        if hasattr(provider, '_client_creator'):
            provider._client_creator = no_client
    try:
        creds = bc.CredentialResolver(providers).load_credentials()
    except RecursionError:
        return {'verdict': 'error', 'error': 'RecursionError', 'assumedRoles': [], 'roleChain': []}
    except Exception as e:  # botocore's own verdict, whatever its class
        return {'verdict': 'error', 'error': f'{type(e).__name__}: {e}', 'assumedRoles': list(ASSUMED), 'roleChain': list(ROLE_CHAIN)}
    if creds is None:
        return {'verdict': 'none', 'assumedRoles': [], 'roleChain': []}
    return {'verdict': 'credentials', 'method': creds.method, 'assumedRoles': list(ASSUMED), 'roleChain': list(ROLE_CHAIN)}


def file_error(path):
    try:
        botocore.configloader.raw_config_parse(path)
        return None
    except botocore.exceptions.ConfigNotFound:
        return None
    except botocore.exceptions.ConfigParseError as e:
        return f"{e}: {e.kwargs.get('error')}"



def read_case(case, workdir):
    config_path = os.path.join(workdir, 'config')
    credentials_path = os.path.join(workdir, 'credentials')
    for path, key in ((config_path, 'config'), (credentials_path, 'credentials')):
        if os.path.lexists(path):
            os.remove(path)
        if case.get(key) is not None:
            with open(path, 'wb') as f:
                f.write(base64.b64decode(case[key]))
    os.environ['AWS_CONFIG_FILE'] = config_path
    os.environ['AWS_SHARED_CREDENTIALS_FILE'] = credentials_path
    out = {'id': case.get('id'), 'fileErrors': {}}
    for path, key in ((config_path, 'config'), (credentials_path, 'credentials')):
        err = file_error(path)
        if err:
            out['fileErrors'][key] = err
    session = botocore.session.Session()
    try:
        full = session.full_config
    except botocore.exceptions.ConfigParseError as e:
        out['fullConfigError'] = f"{e}: {e.kwargs.get('error')}"
        return out
    out['ssoSessions'] = sorted(full.get('sso_sessions', {}).keys())
    out['ssoSessionSettings'] = {k: settings_of(v) for k, v in full.get('sso_sessions', {}).items()}
    profiles = {}
    for name, profile in full['profiles'].items():
        entry = {'settings': settings_of(profile), 'regionValid': region_valid(profile.get('region'))}
        entry.update(resolve(session, name))
        profiles[name] = entry
    out['profiles'] = profiles
    return out


def main():
    batch = json.load(sys.stdin)
    results = []
    with tempfile.TemporaryDirectory(prefix='botocore-oracle-') as workdir:
        for case in batch['cases']:
            results.append(read_case(case, workdir))
    json.dump({'botocore': botocore.__version__, 'python': sys.version.split()[0], 'cases': results}, sys.stdout)


if __name__ == '__main__':
    main()
