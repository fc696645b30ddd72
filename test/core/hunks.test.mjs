// Hunks, in-process: a save that edits places far apart is cut at the unchanged statements between them,
// and applying the hunks one after the other gives the new text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseSource } from '../../dist/loader/transform/index.js';
import { hunksOf } from '../../dist/runtime/hunks.js';
import { chunkStarts } from '../../dist/runtime/region.js';

const fn = (name, body) => `export function ${name}(x: number): number {\n  const y = x * 2;\n  return ${body};\n}\n`;
const FILE = '/tmp/h/m.ts';
const text = (bodies) => bodies.map((b, i) => fn(`f${i}`, b)).join('\n');

function cut(before, after) {
  const an = analyseSource(before, FILE);
  const hunks = hunksOf(before, after, chunkStarts(an, before));
  // applied one after the other, the hunks make the new text
  let t = before, shift = 0;
  for (const h of hunks) {
    t = t.slice(0, h.from + shift) + after.slice(h.nfrom, h.nto) + t.slice(h.to + shift);
    shift += h.nto - h.nfrom - (h.to - h.from);
  }
  assert.equal(t, after);
  return hunks;
}

test('two bodies far apart: two hunks, each within its function', () => {
  const bodies = Array.from({ length: 10 }, (_, i) => `y + ${i}`);
  const before = text(bodies);
  const after = text(bodies.map((b, i) => (i === 1 || i === 8 ? `${b} + 100` : b)));
  const hunks = cut(before, after);
  assert.equal(hunks.length, 2);
  assert.ok(before.slice(hunks[0].from, hunks[0].to).length < 40, 'the first hunk is small');
  assert.ok(hunks[1].from > before.indexOf('function f7'), 'the second hunk starts after the unchanged f7');
});

test('one change: one hunk', () => {
  const bodies = Array.from({ length: 6 }, (_, i) => `y + ${i}`);
  assert.equal(cut(text(bodies), text(bodies.map((b, i) => (i === 3 ? 'y' : b)))).length, 1);
});

test('a statement between the changes that also appears in an edited one is not cut at a wrong place', () => {
  const bodies = Array.from({ length: 8 }, (_, i) => `y + ${i}`);
  const before = text(bodies);
  // the edit of f1 inserts a copy of f5's text: the cut must still give the new text back
  const after = text(bodies.map((b, i) => (i === 6 ? 'y - 1' : b))).replace(fn('f1', 'y + 1'), fn('f1', 'y + 1') + '\n' + fn('f5', 'y + 5').replace('f5', 'g5'));
  cut(before, after);
});

test('insertions and deletions between unchanged statements', () => {
  const bodies = Array.from({ length: 8 }, (_, i) => `y + ${i}`);
  const before = text(bodies);
  const after = text(bodies).replace(fn('f2', 'y + 2'), '').replace(fn('f6', 'y + 6'), fn('f6', 'y + 6') + '\nconst added = 1;\n');
  const hunks = cut(before, after);
  assert.equal(hunks.length, 2);
});
