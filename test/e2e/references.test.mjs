// Issue 2: every kind of reference to an edited function, method or closure runs the new code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

const LIB = `
import { EventEmitter } from 'node:events';
export function greet(name: string): string {
  return 'hello ' + name;
}
export class Animal {
  #sound = 'moo';
  static kind(): string { return 'animal'; }
  constructor(public name: string) {}
  get loud(): string { return this.name.toUpperCase(); }
  talk(): string { return this.name + ' says ' + this.#sound; }
  #secret(): string { return 'secret'; }
  reveal(): string { return this.#secret(); }
}
export function adder(n: number) {
  return (x: number) => x + n;
}
export async function fetchIt(x: number): Promise<number> {
  await null;
  return x + 1;
}
export function* counter(limit: number) {
  for (let i = 0; i < limit; i++) yield i;
}
export const tools = {
  double: (x: number) => x * 2,
  triple(x: number) { return x * 3; },
};
export function twice(f: (x: number) => number) {
  return (x: number) => f(f(x));
}
export const bus = new EventEmitter();
export function onPing(): string { return 'pong'; }
bus.on('ping', (reply: (s: string) => void) => reply(onPing()));
`;

const APP = `
import { greet, Animal, adder, fetchIt, counter, tools, twice, bus, onPing } from './lib.js';
import * as lib from './lib.js';
const stash = { f: greet };
const map = new Map([['g', greet]]);
const bound = greet.bind(null, 'bound');
const cow = new Animal('cow');
const add1 = adder(1), add2 = adder(2);
const quad = twice(tools.double);
let timerValue = '';
setInterval(() => { timerValue = greet('timer'); }, 5).unref();
process.stdin.setEncoding('utf8');
let buf = '';
process.stdin.on('data', async (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) !== -1) {
    buf = buf.slice(i + 1);
    let ping = '';
    bus.emit('ping', (s: string) => { ping = s; });
    const out = {
      named: greet('a'), ns: lib.greet('b'), stash: stash.f('c'), map: map.get('g')!('d'), bound: bound(), timer: timerValue,
      talk: cow.talk(), loud: cow.loud, kind: Animal.kind(), reveal: cow.reveal(), extra: (cow as any).extra?.() ?? null,
      add1: add1(10), add2: add2(10), async: await fetchIt(1), gen: [...counter(3)],
      double: tools.double(5), triple: tools.triple(5), quad: quad(1), ping,
    };
    console.log(JSON.stringify(out));
  }
});
`;

test('all reference kinds see an edit of lib.ts', async () => {
  const app = makeApp({ 'lib.ts': LIB, 'app.ts': APP });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    await p.waitFor('Watch app.ts', { stream: 'err' });
    const before = JSON.parse(await p.askUntil('go', (l) => l.includes('hello timer')));
    assert.deepEqual(before, {
      named: 'hello a', ns: 'hello b', stash: 'hello c', map: 'hello d', bound: 'hello bound', timer: 'hello timer',
      talk: 'cow says moo', loud: 'COW', kind: 'animal', reveal: 'secret', extra: null,
      add1: 11, add2: 12, async: 2, gen: [0, 1, 2], double: 10, triple: 15, quad: 4, ping: 'pong',
    });
    const src = LIB
      .replace("'hello ' + name", "'HI ' + name")
      .replace("return 'animal'", "return 'ANIMAL'")
      .replace('this.name.toUpperCase()', "this.name.toUpperCase() + '!'")
      .replace("' says ' + this.#sound", "' SAYS ' + this.#sound")
      .replace("return 'secret'", "return 'SECRET'")
      .replace('reveal(): string', "extra(): string { return 'added ' + this.#sound; }\n  reveal(): string")
      .replace('x + n', 'x * n')
      .replace('return x + 1', 'return x + 100')
      .replace('i < limit; i++', 'i < limit; i += 2')
      .replace('x * 2', 'x * 20')
      .replace('return x * 3', 'return x * 30')
      .replace('f(f(x))', 'f(f(f(x)))')
      .replace("return 'pong'", "return 'PONG'");
    app.write('lib.ts', src);
    const after = JSON.parse(await p.askUntil('go', (l) => l.includes('PONG') && l.includes('HI timer')));
    assert.deepEqual(after, {
      named: 'HI a', ns: 'HI b', stash: 'HI c', map: 'HI d', bound: 'HI bound', timer: 'HI timer',
      talk: 'cow SAYS moo', loud: 'COW!', kind: 'ANIMAL', reveal: 'SECRET', extra: 'added moo',
      add1: 10, add2: 20, async: 101, gen: [0, 2], double: 100, triple: 150, quad: 8000, ping: 'PONG',
    });
    // the verbose log names each definition: by its path, or an anonymous one by its line and what holds it
    for (const path of ['greet', 'Animal.talk', 'Animal.static kind', 'Animal.get loud', 'Animal.#secret', /\d+ adder\/<arrow>$/, 'fetchIt', 'counter', 'tools.double', 'tools.triple', /\d+ twice\/<arrow>$/, 'onPing']) {
      await p.waitFor(typeof path === 'string' ? `Update lib.ts:${path}` : (l) => l.startsWith('Update lib.ts:') && path.test(l), { stream: 'err' });
    }
    await p.waitFor('Add lib.ts:Animal.extra', { stream: 'err' });
  } finally {
    await p.kill();
    app.cleanup();
  }
});
