import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFormats, detectFormat } from '../../src/ingest/detect-format.js';
import { fixtureText } from '../helpers/fixture-server.js';

test('detect: each fixture is recognised from its first bytes', () => {
  const cases: [string, string][] = [
    ['ingest/atom-feed.xml', 'atom'],
    ['ingest/atom-error.xml', 'atom'],
    ['ingest/oai-arxiv-list.xml', 'oai'],
    ['ingest/oai-arxivraw-getrecord.xml', 'oai'],
    ['ingest/oai-no-records.xml', 'oai'],
    ['ingest/snapshot.jsonl', 'snapshot'],
    ['ingest/hf-daily-2024.json', 'hf-daily'],
    ['ingest/hf-daily-2025.json', 'hf-daily'],
    ['ingest/seed-listing.json', 'seed'],
  ];
  for (const [file, format] of cases) assert.equal(detectFormat(fixtureText(file)), format, file);
});

test('detect: a byte-order mark, leading comments and a cut-off head still detect', () => {
  assert.equal(detectFormat('\uFEFF<?xml version="1.0"?>\n<!-- saved -->\n<feed xmlns="http://www.w3.org/2005/Atom">'), 'atom');
  assert.equal(detectFormat('{"id":"0704.0001","submitter":"P","authors":"A","title":"T","abstract":"very long and cut'), null);
  assert.equal(detectFormat('{"id":"0704.0001","submitter":"P","versions":[],"update_date":"2008-11-26","abstract":"cut'), 'snapshot');
  assert.equal(detectFormat('{\n  "source": "x",\n  "papers": [\n'), 'seed');
});

test('detect: other content is none of the formats, and the formats can be named', () => {
  assert.equal(detectFormat(''), null);
  assert.equal(detectFormat('title,year\nA,2024\n'), null);
  assert.equal(detectFormat('<html><body>hi</body></html>'), null);
  assert.equal(detectFormat('{"name": "paperboy", "version": "0.1.0"}'), null);
  for (const f of ['atom', 'oai', 'snapshot', 'hf-daily', 'seed']) assert.match(describeFormats(), new RegExp(`${f} \\(`));
});
