import * as assert from 'node:assert/strict';
import { startMoto, MotoServer } from '../support/moto';
import * as http from 'node:http';

describe('test support: moto_server', () => {
  let moto: MotoServer;
  before(async () => {
    moto = await startMoto();
  });
  after(async () => {
    await moto?.stop();
  });
  it('serves the STS query protocol on loopback', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const body = 'Action=GetCallerIdentity&Version=2011-06-15';
      const req = http.request(moto.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 200);
  });
});
