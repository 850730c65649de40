/**
 * Test helper: a store and an app over the API fixtures
 * (test/fixtures/api/daily-*.json, in the Hub's daily_papers JSON shape),
 * plus two papers no daily file carries: an old-style arXiv id known only by
 * its author count, and a paper never on a daily list.
 *
 * The HF daily parser (src/ingest/hf-daily.ts) was not there when these
 * tests were written, so `hubItemToRecord` maps the fields these tests need;
 * switch to the parser + importItems when it lands.
 */
import { FIXTURES_DIR } from '../../helpers/fixture-server.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { blankPaper, type PaperRecord } from '../../../src/domain/paper.js';
import type { Store } from '../../../src/store/store.js';
import { openTestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';

export const FIXTURE_DIR = join(FIXTURES_DIR, 'api');
export const FIXTURE_DAYS = ['2025-06-02', '2025-06-03'] as const;
/** The clock of every API test: the evening of the newest fixture day. */
export const FIXED_NOW = new Date('2025-06-03T18:00:00.000Z');
export const PUBLIC_URL = 'http://papers.test';

interface HubUser { user?: string; name?: string; fullname?: string; avatarUrl?: string }
interface HubOrg { name: string; fullname?: string; avatar?: string }
interface HubItem {
  paper: {
    id: string;
    authors: { name: string }[];
    publishedAt: string;
    submittedOnDailyAt: string;
    title: string;
    submittedOnDailyBy?: HubUser;
    summary: string;
    upvotes: number;
    ai_summary?: string;
    ai_keywords?: string[];
    githubRepo?: string;
    githubStars?: number;
    projectPage?: string;
    organization?: HubOrg;
  };
  thumbnail?: string;
  numComments: number;
}

export function readFixtureDay(day: string): HubItem[] {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `daily-${day}.json`), 'utf8')) as HubItem[];
}

export function hubItemToRecord(it: HubItem, day: string): PaperRecord {
  const p = it.paper;
  const org = p.organization ? { name: p.organization.name, fullname: p.organization.fullname ?? null, avatarUrl: p.organization.avatar ?? null } : null;
  return {
    paper: {
      ...blankPaper(p.id, 'hf-daily'),
      arxivId: p.id,
      title: p.title,
      abstract: p.summary,
      authors: p.authors.map((a) => ({ name: a.name, affiliations: [] })),
      authorCount: p.authors.length,
      publishedAt: p.publishedAt,
      githubRepo: p.githubRepo ?? null,
      githubStars: p.githubStars ?? null,
      projectPage: p.projectPage ?? null,
      organization: org?.name ?? null,
      aiSummary: p.ai_summary ?? null,
      aiKeywords: p.ai_keywords ?? [],
      thumbnail: it.thumbnail ?? null,
    },
    daily: {
      day,
      submittedAt: p.submittedOnDailyAt,
      submittedBy: p.submittedOnDailyBy?.user
        ? { user: p.submittedOnDailyBy.user, fullname: p.submittedOnDailyBy.fullname ?? null, avatarUrl: p.submittedOnDailyBy.avatarUrl ?? null }
        : null,
      upvotes: p.upvotes,
      numComments: it.numComments,
    },
    org,
  };
}

/** Records no daily file carries: an old-style id with only an author count, and a paper never on a daily list. */
export function extraRecords(): PaperRecord[] {
  return [
    {
      paper: {
        ...blankPaper('hep-th/9901001', 'seed'),
        arxivId: 'hep-th/9901001',
        title: 'Strings on Old-Style Identifiers',
        abstract: 'A demo-corpus paper whose author names are unknown.',
        authorCount: 4,
        publishedAt: '1999-01-04T00:00:00.000Z',
        categories: ['hep-th'],
        primaryCategory: 'hep-th',
      },
      daily: { day: '2025-05-28', submittedAt: null, submittedBy: null, upvotes: 2, numComments: 0 },
      org: null,
    },
    {
      paper: {
        ...blankPaper('2401.09999', 'arxiv-atom'),
        arxivId: '2401.09999',
        title: 'Quantum Error Correction Codes Revisited',
        abstract: 'We revisit quantum error correction codes with new decoders.',
        authors: [{ name: 'Peter Shor', affiliations: [] }],
        authorCount: 1,
        publishedAt: '2024-01-15T00:00:00.000Z',
        categories: ['quant-ph'],
        primaryCategory: 'quant-ph',
      },
      daily: null,
      org: null,
    },
  ];
}

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  close: () => Promise<void>;
}

/** A fresh SQLite store loaded with the fixtures, and an app over it (no port bound). */
export async function fixtureApp(opts: { empty?: boolean } = {}): Promise<TestApp> {
  const { file, cleanup } = tempDbPath();
  const records = opts.empty ? [] : [...FIXTURE_DAYS.flatMap((day) => readFixtureDay(day).map((it) => hubItemToRecord(it, day))), ...extraRecords()];
  const t = await openTestApp(file, { records, config: { publicUrl: PUBLIC_URL }, now: () => FIXED_NOW });
  return {
    app: t.app,
    store: t.store,
    close: async () => {
      await t.close();
      cleanup();
    },
  };
}
