/**
 * The digest of a subscription linked to an account, on SQLite and on
 * PostgreSQL, through a real SMTP server: "For you" picks from the period's
 * papers ranked by what the account upvoted and saved, each with a "because
 * you liked …" line naming a liked paper, none repeating the main list and
 * none hidden; papers of the organizations the account follows marked in the
 * main list and listed after it; an unlinked subscriber, and a linked one who
 * liked and follows nothing, get the plain digest; a linked subscriber whose
 * topics match nothing still gets their followed organizations' papers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import { openBackend } from '../../src/store/open-backend.js';
import type { Backend } from '../../src/store/backend.js';
import { createSmtpMailer } from '../../src/digest/smtp.js';
import { runDigest, periodsForDate } from '../../src/digest/run-digest.js';
import { parseTopicList } from '../../src/digest/topics.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';
import { paper, record } from '../helpers/papers.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { addSubscriber, seedDigestCorpus, DAY } from './digest-fixtures.js';

const config = { publicUrl: 'https://papers.example.org', secret: 'test-secret' };
const NOW = new Date('2025-06-04T08:00:00Z');
/** A short main list, so the day's other papers are there to pick from. */
const SIZE = 4;
const LIKED_TITLE = 'Image diffusion models for photo generation';
const SAVED_TITLE = 'Latent image diffusion with transformers';

let sink: SmtpSink;
before(async () => { sink = await startSmtpSink(); });
after(async () => { await sink.close(); });

/** The text part's lines between a heading and the next heading or the footer. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) return '';
  const rest = text.slice(start + heading.length + 2);
  const end = rest.search(/\n(For you|From organizations you follow|--)\n/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Paper ids linked in a part of the text (the URLs of its entries). */
function idsIn(part: string): string[] {
  return [...part.matchAll(/^ {2,3}https:\/\/papers\.example\.org\/papers\/(\S+)$/gm)].map((m) => m[1]);
}

function mainList(text: string): string {
  const end = text.search(/\n(For you|From organizations you follow|--)\n/);
  return text.slice(0, end);
}

async function scenario(b: Backend): Promise<void> {
  const mailer = createSmtpMailer(sink.url, 'paperboy <digest@papers.example.org>');
  sink.messages.length = 0;
  try {
    await seedDigestCorpus(b.store);
    // What Ada liked, weeks before: image diffusion (the corpus's vision papers are "about image diffusion").
    await b.store.upsertRecords([
      record(paper('2505.00001', { title: LIKED_TITLE, abstract: 'We train image diffusion models that generate photos; image diffusion at scale.' }),
        { day: '2025-05-20', submittedAt: '2025-05-20T08:00:00.000Z', submittedBy: null, upvotes: 5, numComments: 0 }),
      record(paper('2505.00002', { title: SAVED_TITLE, abstract: 'Latent image diffusion; transformers denoise image latents for diffusion.' }),
        { day: '2025-05-21', submittedAt: '2025-05-21T08:00:00.000Z', submittedBy: null, upvotes: 2, numComments: 0 }),
    ]);
    const user = (name: string) => b.accounts.createUser({ username: name, email: `${name}@example.org`, passwordHash: 'h', emailVerified: true, now: NOW });
    const ada = await user('ada');
    const cy = await user('cy');
    const dee = await user('dee');
    await b.votes.setVote(ada.id, '2505.00001', true, NOW);
    const list = await b.readingLists.createList({ ownerId: ada.id, name: 'Diffusion', slug: 'diffusion', public: false, now: NOW });
    await b.readingLists.addPaper(ada.id, list.id, '2505.00002', NOW, 100);
    assert.equal(await b.organizations.follow(ada.id, 'DeepThought', NOW), true);
    assert.equal(await b.organizations.follow(dee.id, 'DeepThought', NOW), true);
    // Paper 6 is about image diffusion too, but an admin hid it: never picked.
    assert.equal(await b.curation.hidePaper('2506.00006', ada.id, 'duplicate', NOW), true);

    const link = async (email: string, userId: number, topics = parseTopicList([])) => {
      const s = await addSubscriber(b.subscriptions, email, 'daily', 'active', topics);
      await b.subscriptions.updateSubscription(s.id, { userId }, NOW);
    };
    await link('ada@example.org', ada.id);
    await link('cy@example.org', cy.id);
    await link('dee@example.org', dee.id, parseTopicList(['q-bio.GN']));
    await addSubscriber(b.subscriptions, 'plain@example.org');

    const personal = { votes: b.votes, readingLists: b.readingLists, organizations: b.organizations };
    const r = await runDigest({ store: b.store, subs: b.subscriptions, mailer, config, now: () => NOW, personal },
      periodsForDate(DAY).filter((p) => p.frequency === 'daily'), { size: SIZE });
    assert.equal(r.delivery?.sent, 4, 'dee is mailed although her topics match nothing: she follows DeepThought');

    const mail = (who: string): ParsedMail => {
      const got = sink.to(`${who}@example.org`);
      assert.equal(got.length, 1, `one digest to ${who}`);
      return got[0];
    };
    const adaText = mail('ada').text ?? '';
    const listed = idsIn(mainList(adaText));
    assert.equal(listed.length, SIZE);
    assert.ok(!adaText.includes('2506.00006'), 'the hidden paper is nowhere');

    // For you: the day's image-diffusion papers first, each because of a liked paper; never a main-list paper.
    const forYou = section(adaText, 'For you');
    const picks = idsIn(forYou);
    assert.ok(picks.length >= 2 && picks.length <= 5, `picks: ${picks.join(', ')}`);
    for (const id of picks) assert.ok(!listed.includes(id), `${id} is not repeated from the main list`);
    const vision = (id: string) => Number(id.slice(-2)) % 3 === 0;
    const rest = ['2506.00003', '2506.00009'].filter((id) => !listed.includes(id));
    assert.deepEqual(picks.slice(0, rest.length).sort(), rest, `the image-diffusion papers come first: ${picks.join(', ')}`);
    assert.ok(picks.slice(0, rest.length).every(vision));
    assert.match(forYou, new RegExp(`because you liked "(${LIKED_TITLE}|${SAVED_TITLE})" \\(https://papers\\.example\\.org/papers/2505\\.0000[12]\\)`));
    const adaHtml = String(mail('ada').html);
    assert.match(adaHtml, /<h2[^>]*>For you<\/h2>/);
    assert.match(adaHtml, /because you liked <a href="https:\/\/papers\.example\.org\/papers\/2505\.0000[12]"/);
    assert.match(adaHtml, /It is linked to your account/);

    // Followed organizations: DeepThought's papers (4, 8, 12) are marked in the main list or listed after it, once each.
    const deep = ['2506.00004', '2506.00008', '2506.00012'];
    const followedPart = section(adaText, 'From organizations you follow');
    const followedIds = idsIn(followedPart);
    for (const id of deep) assert.equal(Number(listed.includes(id)) + Number(followedIds.includes(id)), 1, `${id} shown once`);
    assert.deepEqual(followedIds.filter((id) => !deep.includes(id)), []);
    const marks = (mainList(adaText).match(/★ Deep Thought Labs — you follow it/g) ?? []).length;
    assert.equal(marks, listed.filter((id) => deep.includes(id)).length, 'each followed paper in the main list is marked');
    for (const id of picks) assert.ok(!followedIds.includes(id), 'For you does not repeat the followed section');

    // Linked but nothing liked or followed: the plain digest. Unlinked: the plain digest.
    for (const who of ['cy', 'plain']) {
      const text = mail(who).text ?? '';
      assert.ok(!text.includes('\nFor you\n') && !text.includes('you follow it') && !text.includes('\nFrom organizations you follow\n'),
        `${who} gets no personal section`);
      assert.deepEqual(idsIn(mainList(text)), listed, `${who} gets the same main list`);
    }
    assert.match(mail('cy').text ?? '', /It is linked to your account/);
    assert.ok(!(mail('plain').text ?? '').includes('linked to your account'));

    // Topics that match nothing: only the followed organizations' papers.
    const deeText = mail('dee').text ?? '';
    assert.deepEqual(idsIn(mainList(deeText)), []);
    assert.deepEqual(idsIn(section(deeText, 'From organizations you follow')).sort(), deep);
    assert.match(mail('dee').subject ?? '', /Trending papers, Monday 2 June 2025: /);
  } finally {
    mailer.close();
  }
}

test('SQLite: For you and followed organizations in a linked subscriber\'s digest', async () => {
  const { file, cleanup } = tempDbPath();
  const b = await openBackend(file);
  try {
    await scenario(b);
  } finally {
    await b.close();
    cleanup();
  }
});

if (requirePostgres()) {
  test('PostgreSQL: For you and followed organizations in a linked subscriber\'s digest', async () => {
    const b = await openBackend(await freshDatabase());
    try {
      await scenario(b);
    } finally {
      await b.close();
    }
  });
}
