import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hfDailyItem, hfPaper, hubTime } from '../../../src/web/api/hf-shape.js';
import { paper } from '../../helpers/papers.js';

describe('hf-shape', () => {
  it('writes timestamps the way huggingface_hub parse_datetime accepts (UTC, trailing Z)', () => {
    assert.equal(hubTime('2025-05-30T17:59:01Z'), '2025-05-30T17:59:01.000Z');
    assert.equal(hubTime('2025-05-30T19:59:01+02:00'), '2025-05-30T17:59:01.000Z');
    assert.equal(hubTime('not a date'), null);
    assert.equal(hubTime(null), null);
    assert.equal(hfPaper(paper('2501.00001', { publishedAt: '2025-01-01T10:00:00+01:00' }), null, null).publishedAt, '2025-01-01T09:00:00.000Z');
  });

  it('falls back to the handle for a submitter without a display name, and to the day for a missing time', () => {
    const item = hfDailyItem({
      paper: paper('2501.00002'),
      entry: { paperId: '2501.00002', day: '2025-01-02', submittedAt: null, submittedBy: { user: 'bob', fullname: null, avatarUrl: null }, upvotes: 1, numComments: 0 },
      org: null,
    });
    assert.deepEqual(item.submittedBy, { name: 'bob', fullname: 'bob', avatarUrl: null, type: 'user' });
    assert.deepEqual(item.paper.submittedOnDailyBy, { user: 'bob', fullname: 'bob', avatarUrl: null, type: 'user' });
    assert.equal(item.paper.submittedOnDailyAt, '2025-01-02T00:00:00.000Z');
  });

  it('keeps an organization handle the store has no row for', () => {
    const p = hfPaper(paper('2501.00003', { organization: 'LoneOrg' }), null, null);
    assert.deepEqual(p.organization, { name: 'LoneOrg', fullname: 'LoneOrg', avatar: null });
  });
});
