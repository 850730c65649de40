/**
 * serve's maintainer threads run niced (search/maintainer-thread.ts), so a
 * long build or notes pass takes only what the request threads leave: on
 * Linux, where the nice value is per thread, a real `paperboy serve` has its
 * lexical maintainer at MAINTAINER_NICE and its main thread at 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAINTAINER_NICE } from '../../src/search/maintainer-thread.js';
import { openBackend } from '../../src/store/open-backend.js';
import { startServe } from '../helpers/serve-process.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { topicPapers } from '../helpers/topic-papers.js';

/** The nice value of each thread of a process, by thread id (field 19 of /proc/PID/task/TID/stat). */
function niceByThread(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), Number(fields[16]));
  }
  return out;
}

test('serve runs its lexical maintainer thread niced and its request thread not', { skip: process.platform !== 'linux' && 'the nice value is per thread on Linux only' }, async () => {
  const { file, dir, cleanup } = tempDbPath();
  const seed = await openBackend(file);
  await seed.store.upsertRecords(topicPapers());
  await seed.close();
  const server = await startServe(['--db', file], { PAPERBOY_VECTORS: '0', PAPERBOY_IMAGE_CACHE: join(dir, 'images') });
  try {
    const pid = server.child.pid!;
    // Bounded only so that a thread that never starts fails instead of hanging.
    let niced: number[] = [];
    for (const until = Date.now() + 30_000; Date.now() < until && niced.length === 0;) {
      if ((await fetch(`${server.url}/readyz`)).status === 200) niced = [...niceByThread(pid)].filter(([, n]) => n === MAINTAINER_NICE).map(([tid]) => tid);
      if (niced.length === 0) await new Promise((ok) => setTimeout(ok, 200));
    }
    const all = niceByThread(pid);
    assert.equal(all.get(pid), 0, 'the thread answering requests keeps its priority');
    assert.equal(niced.length, 1, `one maintainer thread (vectors off) at nice ${MAINTAINER_NICE}: ${JSON.stringify([...all])}`);
    assert.ok([...all.values()].every((n) => n === 0 || n === MAINTAINER_NICE), 'no other thread changed');
  } finally {
    await server.stop();
    cleanup();
  }
});
