import * as assert from 'node:assert/strict';
import { UserFacingError, type ErrorKind } from '../../src/credentials/errors';

/** Awaits `p`, which must reject with a UserFacingError of `kind`; returns that error. */
export async function failure(p: Promise<unknown>, kind: ErrorKind): Promise<UserFacingError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UserFacingError, `expected a UserFacingError, got ${String(e)}`);
    assert.equal(e.kind, kind, `kind of: ${e.message}`);
    return e;
  }
  return assert.fail(`expected a ${kind} failure`);
}
