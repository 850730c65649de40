/**
 * Test helper: a real app over a real SQLite file holding a small, known set
 * of papers — normal ones, an old-style id, a local id, a paper known only by
 * its author count, and one whose title, abstract and organization are
 * hostile HTML — spread over days, weeks and months so every list page has
 * something to show. Shared by the page tests and the browser test.
 */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../../src/store/store.js';
import { openTestApp } from '../../helpers/test-app.js';
import type { PaperRecord } from '../../../src/domain/paper.js';
import { paper, record } from '../../helpers/papers.js';
import { tempDbPath } from '../../helpers/temp-db.js';

/** The pinned clock: the evening of the latest fixture day. */
export const NOW = new Date('2024-05-03T18:00:00Z');
export const LATEST_DAY = '2024-05-03';

export const HOSTILE_TITLE = '<script>alert("t")</script> Tom & Jerry\'s "Diffusion"';
export const HOSTILE_ABSTRACT = 'We study <img src=x onerror=alert(1)> diffusion & "quotes" in <b>models</b>.';
export const HOSTILE_ORG = 'Evil"<Org>&';

const day = (d: string, upvotes: number, extra: Partial<NonNullable<PaperRecord['daily']>> = {}): PaperRecord['daily'] => ({
  day: d, submittedAt: `${d}T09:00:00.000Z`, submittedBy: null, upvotes, numComments: 0, ...extra,
});

export function fixtureRecords(): PaperRecord[] {
  return [
    record(paper('2405.00001', {
      title: 'Sparse Attention Transformers for Long Documents',
      abstract: 'We present sparse attention transformers that read long documents. Our transformers scale linearly with length and beat dense baselines on summarization.',
      authors: [
        { name: 'Ada Lovelace', affiliations: ['Analytical Engine Lab'] },
        { name: 'Alan Turing', affiliations: [] },
      ],
      authorCount: 2,
      categories: ['cs.CL', 'cs.LG'],
      primaryCategory: 'cs.CL',
      publishedAt: '2024-05-01T17:00:00.000Z',
      updatedAt: '2024-05-02T10:00:00.000Z',
      version: 2,
      versions: [{ version: 1, date: '2024-05-01T17:00:00.000Z' }, { version: 2, date: '2024-05-02T10:00:00.000Z' }],
      doi: '10.1234/sparse.2024',
      githubRepo: 'https://github.com/example/sparse-attn',
      githubStars: 1234,
      projectPage: 'https://example.org/sparse',
      organization: 'ByteDance',
    }), day(LATEST_DAY, 42, { numComments: 3, submittedBy: { user: 'alice', fullname: 'Alice Adams', avatarUrl: null } }),
    { name: 'ByteDance', fullname: 'ByteDance Seed', avatarUrl: null }),
    record(paper('2405.00002', {
      title: HOSTILE_TITLE,
      abstract: HOSTILE_ABSTRACT,
      authors: [{ name: '<b>Mallory</b>', affiliations: ['"Quote" & Co'] }],
      authorCount: 1,
      publishedAt: '2024-05-02T12:00:00.000Z',
      organization: HOSTILE_ORG,
      githubRepo: 'javascript:alert(1)',
      projectPage: 'javascript:alert(2)',
    }), day(LATEST_DAY, 7), { name: HOSTILE_ORG, fullname: null, avatarUrl: null }),
    record(paper('2405.00003', {
      title: 'Diffusion Models Without Names',
      abstract: 'Diffusion models generate images. This paper is known only by its author count.',
      authors: [],
      authorCount: 7,
      publishedAt: '2024-04-30T12:00:00.000Z',
    }), day(LATEST_DAY, 15)),
    record(paper('local-demo-1', {
      title: 'A Paper Without an arXiv Id',
      abstract: 'Local papers have local ids and still get pages.',
      authorCount: 3,
      publishedAt: '2024-04-29T00:00:00.000Z',
    }), day('2024-04-29', 3)),
    record(paper('hep-th/9901001', {
      title: 'Strings on Old-Style Identifiers',
      abstract: 'An old-style arXiv identifier holds a slash; the page must still work.',
      authors: [{ name: 'Edward Witten', affiliations: ['IAS'] }],
      authorCount: 1,
      categories: ['hep-th'],
      primaryCategory: 'hep-th',
      publishedAt: '1999-01-04T00:00:00.000Z',
    }), day('2024-04-22', 5)),
    record(paper('2404.00009', {
      title: 'Earlier in April: Retrieval Augmented Generation',
      abstract: 'Retrieval augmented generation for transformers.',
      authors: [{ name: 'Grace Hopper', affiliations: [] }],
      authorCount: 1,
      publishedAt: '2024-04-09T00:00:00.000Z',
      organization: 'ByteDance',
    }), day('2024-04-10', 9)),
  ];
}

export interface SiteFixture {
  app: FastifyInstance;
  store: Store;
  close(): Promise<void>;
}

export async function siteFixture(records: PaperRecord[] = fixtureRecords()): Promise<SiteFixture> {
  const { file, cleanup } = tempDbPath();
  const t = await openTestApp(file, { records, config: { publicUrl: 'https://papers.example.org' }, now: () => NOW });
  return {
    app: t.app,
    store: t.store,
    async close() {
      await t.close();
      cleanup();
    },
  };
}
