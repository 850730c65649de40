import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OaiError, parseOaiPage } from '../../src/ingest/arxiv-oai.js';
import { FormatError } from '../../src/ingest/parsed-item.js';
import { fixtureText } from '../helpers/fixture-server.js';

test('oai arXiv format: authors from keyname/forenames/suffix with affiliations, dates, fields, token', () => {
  const page = parseOaiPage(fixtureText('ingest/oai-arxiv-list.xml'));
  assert.equal(page.resumptionToken, '7001234|1001');
  assert.equal(page.completeListSize, 5);
  const first = page.items[0];
  assert.ok(first.ok);
  assert.equal(first.at, 'record 1 (oai:arXiv.org:2405.30001)');
  const p = first.record.paper;
  assert.equal(p.id, '2405.30001');
  assert.equal(p.title, 'Retrieval Heads in Long-Context Language Models');
  assert.equal(p.abstract, 'We find a handful of attention heads that retrieve facts from long contexts.');
  assert.deepEqual(p.authors, [
    { name: 'Adaeze Okafor', affiliations: ['University of Lagos'] },
    { name: 'John Smith Jr', affiliations: [] },
    { name: 'María García', affiliations: [] },
  ]);
  assert.deepEqual(p.categories, ['cs.CL', 'cs.LG']);
  assert.equal(p.primaryCategory, 'cs.CL');
  assert.equal(p.publishedAt, '2024-05-27T00:00:00.000Z');
  assert.equal(p.updatedAt, '2024-05-29T00:00:00.000Z');
  assert.equal(p.comments, '9 pages');
  assert.equal(p.journalRef, 'Proc. Fixture Conf. 2024');
  assert.equal(p.doi, '10.1000/fixture.oai.1');
  assert.equal(p.reportNo, 'FIX-24-01');
  assert.equal(p.license, 'http://creativecommons.org/licenses/by/4.0/');
  assert.deepEqual(p.sources, ['arxiv-oai']);
});

test('oai: a deleted record is skipped and a bad one reported with its identifier', () => {
  const page = parseOaiPage(fixtureText('ingest/oai-arxiv-list.xml'));
  assert.equal(page.items.length, 2);
  assert.deepEqual(page.items[1], { ok: false, at: 'record 3 (oai:arXiv.org:2405.30003)', reason: '<id> "not-an-id" is not an arXiv id' });
});

test('oai: the last page has an empty resumption token', () => {
  const page = parseOaiPage(fixtureText('ingest/oai-arxiv-list-2.xml'));
  assert.equal(page.resumptionToken, null);
  assert.equal(page.completeListSize, 5);
  assert.deepEqual(page.items.map((i) => i.ok && i.record.paper.id), ['2405.30004', '2405.30005']);
});

test('oai arXivRaw: version history with dates, submitter, authors string split with affiliations', () => {
  const page = parseOaiPage(fixtureText('ingest/oai-arxivraw-list.xml'));
  const it = page.items[0];
  assert.ok(it.ok);
  const p = it.record.paper;
  assert.equal(p.version, 2);
  assert.deepEqual(p.versions, [
    { version: 1, date: '2024-05-27T14:03:21.000Z' },
    { version: 2, date: '2024-05-31T09:44:10.000Z' },
  ]);
  assert.equal(p.publishedAt, '2024-05-27T14:03:21.000Z');
  assert.equal(p.updatedAt, '2024-05-31T09:44:10.000Z');
  assert.equal(p.submitter, 'Priya Raman');
  assert.equal(p.title, 'Sparse Autoencoders Find Interpretable Features');
  assert.deepEqual(p.authors, [
    { name: 'Priya Raman', affiliations: ['IISc Bangalore'] },
    { name: 'Tomáš Novák', affiliations: [] },
    { name: 'Jean-Luc Picard', affiliations: [] },
    { name: 'Beverly Crusher', affiliations: ['Starfleet Academy'] },
  ]);
  assert.equal(p.license, 'http://creativecommons.org/licenses/by-sa/4.0/');
  assert.deepEqual(page.items[1], { ok: false, at: 'record 2 (oai:arXiv.org:2405.40002)', reason: '2405.40002: empty <title>' });
});

test('oai GetRecord with an old-style id', () => {
  const page = parseOaiPage(fixtureText('ingest/oai-arxivraw-getrecord.xml'));
  assert.equal(page.items.length, 1);
  assert.ok(page.items[0].ok);
  assert.equal(page.items[0].record.paper.id, 'hep-th/9901001');
  assert.equal(page.items[0].record.paper.journalRef, 'Fix. Phys. B 1 (1999) 1');
  assert.equal(page.resumptionToken, null);
});

test('oai: noRecordsMatch is an empty page; other OAI errors throw OaiError with the code', () => {
  assert.deepEqual(parseOaiPage(fixtureText('ingest/oai-no-records.xml')), { items: [], resumptionToken: null, completeListSize: 0 });
  assert.throws(() => parseOaiPage(fixtureText('ingest/oai-error.xml')),
    (e: unknown) => e instanceof OaiError && e.code === 'cannotDisseminateFormat' && /Unknown metadata format/.test(e.message));
});

test('oai: oai_dc records are reported as unsupported, not crashed on', () => {
  const xml = `<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record><header><identifier>oai:arXiv.org:2405.1</identifier></header>
    <metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"><dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">T</dc:title></oai_dc:dc></metadata></record></ListRecords></OAI-PMH>`;
  const page = parseOaiPage(xml);
  assert.equal(page.items.length, 1);
  assert.ok(!page.items[0].ok);
  assert.match(page.items[0].reason, /metadataPrefix=arXiv or arXivRaw/);
});

test('oai: empty input, broken XML and an Atom feed are format errors', () => {
  assert.throws(() => parseOaiPage('  \n'), FormatError);
  assert.throws(() => parseOaiPage('<OAI-PMH><ListRecords></OAI-PMH>'), FormatError);
  assert.throws(() => parseOaiPage(fixtureText('ingest/atom-feed.xml')), (e: unknown) => e instanceof FormatError && /<feed>/.test(e.message));
});
