/**
 * The region list (src/shared/regions.ts) against botocore's data/partitions.json on this machine,
 * so a region AWS adds fails here instead of drifting silently.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REGIONS, REGION_PARTITIONS } from '../../src/shared/regions';
import { oidcEndpoint, portalEndpoint } from '../../src/sso/clients';

interface BotocorePartitions {
  partitions: Array<{ id: string; regions: Record<string, { description?: string }> }>;
}

/** botocore's partitions.json, found through the Python that has botocore (fails loudly without it). */
function botocorePartitions(): { file: string; data: BotocorePartitions } {
  const python = process.env.PYTHON ?? 'python3';
  const run = spawnSync(python, ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], { encoding: 'utf8' });
  assert.equal(run.status, 0, `${python} could not import botocore (${run.stderr || run.error?.message}): install botocore (pip install botocore) or set PYTHON to a Python that has it; this test compares the region list with it.`);
  const file = path.join(run.stdout.trim(), 'data', 'partitions.json');
  assert.ok(fs.existsSync(file), `${file} is missing: this botocore keeps its partitions elsewhere; update this test to read them.`);
  return { file, data: JSON.parse(fs.readFileSync(file, 'utf8')) as BotocorePartitions };
}

describe('regions against botocore', () => {
  it("lists exactly botocore's regions (without the *-global pseudo-regions) with its names, per public partition", function () {
    this.timeout(20_000); // starting Python and importing botocore
    const { file, data } = botocorePartitions();
    for (const partition of REGION_PARTITIONS) {
      const theirs = data.partitions.find((p) => p.id === partition);
      assert.ok(theirs, `botocore (${file}) has no partition "${partition}"`);
      const expected = Object.entries(theirs.regions)
        .filter(([code]) => !code.endsWith('-global'))
        .map(([code, r]) => ({ code, name: r.description ?? '' }))
        .sort((a, b) => a.code.localeCompare(b.code));
      const ours = [...REGIONS[partition]].sort((a, b) => a.code.localeCompare(b.code));
      assert.deepEqual(ours, expected, `src/shared/regions.ts differs from ${file} for "${partition}": copy botocore's regions and descriptions into REGIONS.`);
    }
  });

  it("IAM Identity Center's endpoints in a region of every partition are botocore's (sso-oidc, sso)", function () {
    this.timeout(20_000);
    const regions = ['us-east-1', 'cn-north-1', 'us-gov-west-1', 'eusc-de-east-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'us-isof-south-1'];
    const script = [
      'import json, sys, botocore.session',
      's = botocore.session.get_session()',
      "out = {r: [s.create_client(svc, region_name=r, aws_access_key_id='x', aws_secret_access_key='y').meta.endpoint_url for svc in ('sso-oidc', 'sso')] for r in sys.argv[1:]}",
      'print(json.dumps(out))',
    ].join('\n');
    const python = process.env.PYTHON ?? 'python3';
    const run = spawnSync(python, ['-c', script, ...regions], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' } });
    assert.equal(run.status, 0, `${python} could not resolve the endpoints with botocore: ${run.stderr || run.error?.message}`);
    const theirs = JSON.parse(run.stdout) as Record<string, [string, string]>;
    const ctx = { env: {} };
    for (const region of regions) {
      const session = { sessionName: 's', startUrl: 'https://d-1234567890.awsapps.com/start', region };
      assert.deepEqual([oidcEndpoint(session, ctx), portalEndpoint(session, ctx)], theirs[region], `the endpoints for ${region}`);
    }
  });
});
