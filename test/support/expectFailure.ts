import * as assert from 'node:assert/strict';
import { UserFacingError, type ErrorKind } from '../../src/credentials/errors';

/**
 * Awaits `p`, which must reject with a UserFacingError whose message matches `expected` (what the
 * user is told), or whose kind is `expected` (for the few kinds code branches on); returns it.
 */
export async function failure(p: Promise<unknown>, expected: ErrorKind | RegExp): Promise<UserFacingError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UserFacingError, `expected a UserFacingError, got ${String(e)}`);
    if (expected instanceof RegExp) assert.match(e.message, expected);
    else assert.equal(e.kind, expected, `kind of: ${e.message}`);
    return e;
  }
  return assert.fail(`expected a ${String(expected)} failure`);
}
