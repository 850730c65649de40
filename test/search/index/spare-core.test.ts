/**
 * The second search thread is used only while a core is free of other
 * processes' work: the rule on given samples, and a real sample taken while
 * two other processes keep every core of this machine busy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpareCore, spareFromSample } from '../../../src/search/index/spare-core.js';

test('the rule: a quiet machine lends a core, one busy with other work does not, one core never does', () => {
  // 2 cores, 250 ms: idle 1.7 cores' worth, this process 0.25 core → others use ≈ 0.05.
  assert.equal(spareFromSample(2, 250, 425, 62), true);
  // This process busy on both cores itself (its own two threads): nobody else is, so still yes.
  assert.equal(spareFromSample(2, 250, 10, 480), true);
  // Another process on one full core while this one uses one: no.
  assert.equal(spareFromSample(2, 250, 0, 250), false);
  // Others at 0.4 of a core: yes; at 0.7: no.
  assert.equal(spareFromSample(2, 250, 150, 250), true);
  assert.equal(spareFromSample(2, 250, 75, 250), false);
  assert.equal(spareFromSample(1, 250, 250, 0), false);
  assert.equal(spareFromSample(4, 0, 0, 0), false);
});

test('a real sample says no while other processes keep every core busy', { skip: availableParallelism() < 2 ? 'one core: the second thread is never used' : false }, async () => {
  const spare = new SpareCore();
  const spinners = Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'const end = Date.now() + 4000; while (Date.now() < end);'], { stdio: 'ignore' }));
  try {
    // Past one sampling period with the spinners running (their start-up included), then ask twice: the second
    // answer comes from a sample taken entirely while they spin.
    await sleep(600);
    spare.free();
    await sleep(600);
    assert.equal(spare.free(), false);
  } finally {
    for (const s of spinners) s.kill();
  }
});
