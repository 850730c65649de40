/** How two records of one paper combine: newer versions win versioned fields, richer fields survive, community fields take the newest value. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePaper, samePaper } from '../../src/domain/merge.js';
import { paper } from '../helpers/papers.js';

test('a newer version replaces versioned fields; an older one only fills gaps', () => {
  const v1 = paper('2401.00001', { version: 1, title: 'Old', abstract: 'old', doi: null, categories: ['cs.LG'], versions: [{ version: 1, date: '2024-01-01T00:00:00Z' }] });
  const v2 = paper('2401.00001', { version: 2, title: 'New', abstract: 'new', doi: '10.1/x', categories: ['cs.CL'], versions: [{ version: 2, date: '2024-02-01T00:00:00Z' }] });
  const up = mergePaper(v1, v2);
  assert.equal(up.title, 'New');
  assert.deepEqual(up.categories, ['cs.CL']);
  assert.equal(up.version, 2);
  assert.deepEqual(up.versions.map((v) => v.version), [1, 2]);
  const back = mergePaper(up, v1);
  assert.equal(back.title, 'New', 'an older version does not roll back');
  assert.equal(back.doi, '10.1/x');
  assert.ok(samePaper(back, up));
  const fill = mergePaper(paper('2401.00001', { version: 2, doi: null, journalRef: null }), paper('2401.00001', { version: 1, doi: '10.2/y', journalRef: 'J. Test' }));
  assert.equal(fill.doi, '10.2/y', 'an unknown field is filled from an older record');
  assert.equal(fill.journalRef, 'J. Test');
});

test('authors: names beat a bare count, affiliations beat none; the count follows the names', () => {
  const counted = paper('x1', { authors: [], authorCount: 5 }, 'seed');
  const named = paper('x1', { authors: [{ name: 'A', affiliations: [] }, { name: 'B', affiliations: [] }], authorCount: 2 });
  assert.equal(mergePaper(counted, named).authorCount, 2);
  assert.equal(mergePaper(counted, paper('x1', { authors: [], authorCount: 3 })).authorCount, 5, 'without names the larger count stays');
  const affiliated = paper('x1', { authors: [{ name: 'A', affiliations: ['MIT'] }, { name: 'B', affiliations: [] }] });
  assert.deepEqual(mergePaper(named, affiliated).authors[0].affiliations, ['MIT']);
  assert.deepEqual(mergePaper(affiliated, named).authors[0].affiliations, ['MIT'], 'a poorer record does not remove affiliations');
});

test('community fields take the newest non-empty value; sources accumulate; a local paper takes the arXiv id', () => {
  const a = paper('x1', { githubStars: 10, githubRepo: 'https://github.com/a/b', aiKeywords: ['old'], organization: 'Acme' }, 'hf-daily');
  const b = paper('x1', { githubStars: 25, githubRepo: null, aiKeywords: [], organization: null }, 'snapshot');
  const m = mergePaper(a, b);
  assert.equal(m.githubStars, 25);
  assert.equal(m.githubRepo, 'https://github.com/a/b', 'an empty value never erases one');
  assert.deepEqual(m.aiKeywords, ['old']);
  assert.equal(m.organization, 'Acme');
  assert.deepEqual(m.sources, ['hf-daily', 'snapshot']);
  const local = paper('local-1', { title: 'T' }, 'seed');
  assert.equal(mergePaper(local, paper('2401.00009', { title: 'T' })).arxivId, '2401.00009');
});
