/** PKCE values and the authorize URL, as the AWS CLI v2 (SSOTokenFetcherAuth) makes them. */
import * as assert from 'node:assert/strict';
import { authorizeUrl, createPkce, percentEncode, s256Challenge } from '../../src/sso/pkce';

describe('sso pkce', () => {
  it('S256 challenge equals the CLI\'s urlsafe_b64encode(sha256(verifier)) minus the final "=" (value from Python)', () => {
    assert.equal(s256Challenge('abcDEF0123456789-._~abcDEF0123456789-._~abcDEF0123456789-._~wxyz'), 'jkj7EWsXzujfR64SWH_Xjp1pk3aWp1nyhtd_to9XYi4');
  });

  it('verifier: 64 unreserved characters, fresh each time; state is a UUID', () => {
    const a = createPkce();
    const b = createPkce();
    assert.match(a.verifier, /^[A-Za-z0-9._~-]{64}$/);
    assert.notEqual(a.verifier, b.verifier);
    assert.match(a.state, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(a.challenge, /^[A-Za-z0-9_-]{43}$/);
  });

  it('authorize URL: the CLI parameter names and order, scopes space separated, challenge last', () => {
    const url = authorizeUrl('https://oidc.eu-west-1.amazonaws.com/', {
      clientId: 'cid',
      redirectUri: 'http://127.0.0.1:4321/oauth/callback',
      state: 's-1',
      challenge: 'C'.repeat(43),
      scopes: ['sso:account:access', 'x:y'],
    });
    assert.equal(
      url,
      'https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&client_id=cid&redirect_uri=http%3A%2F%2F127.0.0.1%3A4321%2Foauth%2Fcallback&state=s-1&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess%20x%3Ay&code_challenge=' + 'C'.repeat(43),
    );
    assert.equal(percentEncode("a!'()*~"), 'a%21%27%28%29%2A~');
  });
});
