/** Day, ISO week and month windows: calendar edge cases (leap days, week 53, year boundaries), parsing and shifting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, dayPeriod, isDay, isoWeekOf, monthPeriod, parsePeriod, periodContaining, shiftPeriod, weekPeriod } from '../../src/domain/periods.js';

test('isDay accepts real calendar days only', () => {
  assert.ok(isDay('2024-02-29'));
  assert.ok(!isDay('2023-02-29'), 'not a leap year');
  assert.ok(!isDay('2024-13-01'));
  assert.ok(!isDay('2024-1-01'));
  assert.ok(!isDay('2024-01-01T00:00:00Z'));
  assert.ok(!isDay(''));
});

test('ISO weeks: the week holding 4 January is week 1; some years have a week 53', () => {
  assert.equal(isoWeekOf('2025-01-01'), '2025-W01'); // a Wednesday
  assert.equal(isoWeekOf('2024-12-30'), '2025-W01'); // the Monday of that week belongs to 2025
  assert.equal(isoWeekOf('2021-01-03'), '2020-W53'); // a Sunday of 2020's week 53
  assert.deepEqual(weekPeriod('2020-W53'), { kind: 'week', key: '2020-W53', from: '2020-12-28', to: '2021-01-03' });
  assert.equal(weekPeriod('2025-W53'), null, '2025 has 52 weeks');
  assert.equal(weekPeriod('2025-W00'), null);
  assert.equal(weekPeriod('2025-9'), null);
  assert.deepEqual(weekPeriod('2025-W09'), { kind: 'week', key: '2025-W09', from: '2025-02-24', to: '2025-03-02' });
});

test('months span their first to last day, February by leap year', () => {
  assert.deepEqual(monthPeriod('2024-02'), { kind: 'month', key: '2024-02', from: '2024-02-01', to: '2024-02-29' });
  assert.equal(monthPeriod('2025-02')!.to, '2025-02-28');
  assert.equal(monthPeriod('2025-12')!.to, '2025-12-31');
  assert.equal(monthPeriod('2025-13'), null);
  assert.equal(monthPeriod('2025-00'), null);
});

test('a period contains its day; shifting walks to the neighbour across year ends', () => {
  for (const kind of ['day', 'week', 'month'] as const) {
    const p = periodContaining(kind, '2024-12-31');
    assert.ok(p.from <= '2024-12-31' && '2024-12-31' <= p.to, kind);
    const next = shiftPeriod(p, 1);
    assert.equal(next.from, addDays(p.to, 1), `${kind}: the next period starts the day after`);
    assert.deepEqual(shiftPeriod(next, -1), p, `${kind}: and back`);
    assert.deepEqual(parsePeriod(kind, p.key), p);
  }
  assert.equal(shiftPeriod(dayPeriod('2024-03-01')!, -1).key, '2024-02-29');
  assert.equal(shiftPeriod(monthPeriod('2025-01')!, -1).key, '2024-12');
});
