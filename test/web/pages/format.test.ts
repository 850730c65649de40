import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authorLine, compactNumber, formatDay, formatPeriod, githubUrl, paperPath, safeUrl, truncate,
} from '../../../src/web/pages/format.js';
import { monthPeriod, weekPeriod } from '../../../src/domain/periods.js';
import { html, raw } from '../../../src/html/html.js';

test('dates and periods read naturally', () => {
  assert.equal(formatDay('2023-10-03'), 'Oct 3, 2023');
  assert.equal(formatDay('2024-05-01T17:00:00Z'), 'May 1, 2024');
  assert.equal(formatDay(null), '');
  assert.equal(formatPeriod(weekPeriod('2024-W18')!), 'Week 18 · Apr 29 – May 5, 2024');
  assert.equal(formatPeriod(weekPeriod('2025-W01')!), 'Week 1 · Dec 30, 2024 – Jan 5, 2025');
  assert.equal(formatPeriod(monthPeriod('2024-02')!), 'February 2024');
});

test('author lines: names, "+ N more", or "N authors" when only the count is known', () => {
  const a = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `A${i}`, affiliations: [] }));
  assert.equal(authorLine({ authors: a(2), authorCount: 2 }), 'A0, A1');
  assert.equal(authorLine({ authors: a(6), authorCount: 6 }), 'A0, A1, A2, A3 + 2 more');
  assert.equal(authorLine({ authors: [], authorCount: 5 }), '5 authors');
  assert.equal(authorLine({ authors: [], authorCount: 1 }), '1 author');
  assert.equal(authorLine({ authors: [], authorCount: 0 }), '');
});

test('numbers, paths, truncation', () => {
  assert.equal(compactNumber(999), '999');
  assert.equal(compactNumber(1234), '1.2k');
  assert.equal(compactNumber(15000), '15k');
  assert.equal(compactNumber(2_500_000), '2.5M');
  assert.equal(paperPath('hep-th/9901001'), '/papers/hep-th/9901001');
  assert.equal(paperPath('a b'), '/papers/a%20b');
  assert.equal(truncate('alpha beta gamma delta', 15), 'alpha beta…');
  assert.equal(truncate('short', 12), 'short');
});

test('only http(s) URLs become links', () => {
  assert.equal(safeUrl('https://x.org/a'), 'https://x.org/a');
  assert.equal(safeUrl('javascript:alert(1)'), null);
  assert.equal(safeUrl('data:text/html,x'), null);
  assert.equal(safeUrl('not a url'), null);
  assert.equal(githubUrl('owner/repo'), 'https://github.com/owner/repo');
  assert.equal(githubUrl('javascript:alert(1)'), null);
});

test('html`` escapes every interpolated value and keeps raw() fragments', () => {
  const v = `<a href="x">'&'</a>`;
  assert.equal(html`<p title="${v}">${v}</p>`.value,
    '<p title="&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;">&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;</p>');
  assert.equal(html`${[html`<i>${'<'}</i>`, raw('<b>ok</b>'), null, false, 3]}`.value, '<i>&lt;</i><b>ok</b>3');
});
