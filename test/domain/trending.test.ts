/** The trending score: more upvotes and comments rank higher, age pulls down, the constants shape it as their comments say. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AGE_OFFSET_HOURS, COMMENT_WEIGHT, GRAVITY, trendingScore } from '../../src/domain/trending.js';

const now = new Date('2025-06-10T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

test('more upvotes rank higher at the same age; a comment counts COMMENT_WEIGHT of an upvote', () => {
  const s = (upvotes: number, numComments = 0) => trendingScore({ upvotes, numComments, since: hoursAgo(5) }, now);
  assert.ok(s(10) > s(9));
  assert.ok(Math.abs(s(10, 2) - s(10 + 2 * COMMENT_WEIGHT)) < 1e-12);
});

test('age pulls a paper down: today\'s paper beats last week\'s with somewhat more upvotes', () => {
  const today = trendingScore({ upvotes: 40, numComments: 0, since: hoursAgo(6) }, now);
  const lastWeek = trendingScore({ upvotes: 60, numComments: 0, since: hoursAgo(24 * 7) }, now);
  assert.ok(today > lastWeek);
  // The exact formula: (points + 1) / (age + offset)^gravity.
  assert.ok(Math.abs(today - 41 / Math.pow(6 + AGE_OFFSET_HOURS, GRAVITY)) < 1e-12);
});

test('a fresh paper with no votes still scores above zero; a timestamp in the future counts as age 0', () => {
  assert.ok(trendingScore({ upvotes: 0, numComments: 0, since: hoursAgo(0) }, now) > 0);
  const future = trendingScore({ upvotes: 3, numComments: 0, since: hoursAgo(-5) }, now);
  assert.equal(future, trendingScore({ upvotes: 3, numComments: 0, since: hoursAgo(0) }, now));
  assert.equal(trendingScore({ upvotes: -5, numComments: -1, since: hoursAgo(1) }, now), trendingScore({ upvotes: 0, numComments: 0, since: hoursAgo(1) }, now), 'negative counts count as 0');
});
