/** Topic parsing and the due-period rules of the schedule (weekday dailies, Monday weeklies, time zones). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTopicList, parseTopicFields, formatTopicList, TopicError, countKeywordMatches } from '../../src/digest/topics.js';
import { extractKeywords } from '../../src/search/keywords.js';
import { paper } from '../helpers/papers.js';
import { duePeriods, localDay } from '../../src/digest/run-digest.js';
import { retryDelayMs, RETRY_BASE_MS, RETRY_MAX_MS } from '../../src/digest/outbox.js';
import { startDigestSchedule } from '../../src/digest/schedule.js';
import { loadConfig } from '../../src/config.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteSubscriptionStore } from '../../src/store/sqlite/sqlite-subscription-store.js';

test('topics: prefixes, bare categories, keywords, dedupe, limits', () => {
  const t = parseTopicList(['cs.CL', 'stat.ML', 'org:ByteDance', 'Diffusion', 'keyword:diffusion', 'category:cs', 'cs.CL']);
  assert.deepEqual(t, { categories: ['cs.CL', 'stat.ML', 'cs'], keywords: ['diffusion'], organizations: ['ByteDance'] });
  assert.deepEqual(parseTopicList(formatTopicList(t)), t, 'the wire form round-trips');
  assert.deepEqual(parseTopicFields({ categories: 'cs.CV, ', keywords: 'large language models', organizations: '' }),
    { categories: ['cs.CV'], keywords: ['large language models'], organizations: [] });
  assert.throws(() => parseTopicList(['category:not valid']), TopicError);
  assert.throws(() => parseTopicList(Array.from({ length: 21 }, (_, i) => `k${i}`)), /at most 20/);
});

test('an extracted keyword is a digest topic that matches its paper', () => {
  const p = paper('2501.00001', {
    title: 'Sparse Mixture Routing for Speech Recognition',
    abstract: 'We propose sparse mixture routing, which routes audio frames to experts. Sparse mixture routing cuts word error rate.',
  });
  const kws = extractKeywords(p.title, p.abstract, { docs: 100, df: new Map([['spars', 3], ['mixtur', 2], ['rout', 2], ['speech', 5], ['recognit', 5]]) });
  assert.ok(kws.length > 0);
  const topics = parseTopicFields({ keywords: kws.slice(0, 3).join(', ') });
  assert.equal(countKeywordMatches(p, topics.keywords), topics.keywords.length);
});

test('due periods: yesterday when it was a weekday, last ISO week on Mondays, in the configured zone', () => {
  const keys = (now: string, tz = 'UTC', weekly: 'monday' | 'always' = 'monday') =>
    duePeriods(new Date(now), tz, weekly).map((p) => `${p.frequency}:${p.period.key}`);
  assert.deepEqual(keys('2025-06-03T08:00:00Z'), ['daily:2025-06-02'], 'Tuesday: Monday\'s list');
  assert.deepEqual(keys('2025-06-07T08:00:00Z'), ['daily:2025-06-06'], 'Saturday: Friday\'s list');
  assert.deepEqual(keys('2025-06-08T08:00:00Z'), [], 'Sunday: nothing');
  assert.deepEqual(keys('2025-06-09T08:00:00Z'), ['weekly:2025-W23'], 'Monday: last week only (Sunday\'s list is not a weekday)');
  assert.deepEqual(keys('2025-06-04T08:00:00Z', 'UTC', 'always'), ['daily:2025-06-03', 'weekly:2025-W22'], 'a manual run catches up the weekly');
  assert.equal(localDay(new Date('2025-06-03T23:30:00Z'), 'Asia/Tokyo'), '2025-06-04');
  assert.deepEqual(keys('2025-06-03T23:30:00Z', 'Asia/Tokyo'), ['daily:2025-06-03'], 'Wednesday morning in Tokyo');
});

test('retry backoff doubles from RETRY_BASE_MS up to RETRY_MAX_MS', () => {
  assert.equal(retryDelayMs(1), RETRY_BASE_MS);
  assert.equal(retryDelayMs(3), 4 * RETRY_BASE_MS);
  assert.equal(retryDelayMs(30), RETRY_MAX_MS);
});

test('the schedule starts and stops; without SMTP_URL it says so and schedules nothing', () => {
  const store = new SqliteStore(':memory:');
  const subs = new SqliteSubscriptionStore(store.db);
  const lines: string[] = [];
  const off = startDigestSchedule({ store, subs, config: loadConfig({}, {}) }, { log: (l) => lines.push(l) });
  off.stop();
  assert.match(lines[0], /SMTP_URL is not set/);
  const on = startDigestSchedule({ store, subs, config: loadConfig({}, { SMTP_URL: 'smtp://127.0.0.1:1', DIGEST_TIME: '07:30', PAPERBOY_TIMEZONE: 'Europe/Paris' }) },
    { log: (l) => lines.push(l) });
  on.stop();
  assert.match(lines[1], /digests scheduled at 07:30 Europe\/Paris; next run \d{4}-\d\d-\d\dT(05|06):30:00/);
  store.db.close();
});
