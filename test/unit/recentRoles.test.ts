import * as assert from 'node:assert/strict';
import { rankRecentRoles, recordRoleUse, sanitizeRecentRoles } from '../../src/identity/recentRoles';

const DAY = 24 * 3600_000;
describe('recent roles', () => {
  it('puts the most frequent and recent first', () => {
    const now = 100 * DAY;
    const ranked = rankRecentRoles(
      [
        { arn: 'old-frequent', count: 10, lastUsed: now - 60 * DAY },
        { arn: 'recent-frequent', count: 5, lastUsed: now - DAY },
        { arn: 'recent-once', count: 1, lastUsed: now - 1000 },
      ],
      now,
    );
    assert.deepEqual(ranked.map((r) => r.arn), ['recent-frequent', 'recent-once', 'old-frequent']);
  });
  it('counts uses and keeps at most 30', () => {
    let roles = recordRoleUse([], 'a', 1);
    roles = recordRoleUse(roles, 'a', 2);
    assert.deepEqual(roles, [{ arn: 'a', count: 2, lastUsed: 2 }]);
    for (let i = 0; i < 40; i++) roles = recordRoleUse(roles, `r${i}`, 10 + i);
    assert.equal(roles.length, 30);
  });
  it('ignores malformed stored data', () => {
    assert.deepEqual(sanitizeRecentRoles('x'), []);
    assert.deepEqual(sanitizeRecentRoles([{ arn: 1 }, { arn: 'a', count: 1, lastUsed: 2 }]), [{ arn: 'a', count: 1, lastUsed: 2 }]);
  });
});
