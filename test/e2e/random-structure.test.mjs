// Random sequences of the edits people make to a module full of anonymous functions: listeners and route
// handlers inserted above others, moved, deleted and edited; `map` callbacks added in front of others;
// methods added, removed, reordered and edited in classes with and without #private members, closures in
// methods; comment-only and formatting-only changes. After each save the program must behave as a fresh
// run of that version would (computed from the model), through the function objects made at start, and a
// counter in every top-level statement proves that no statement ran again (each one ran exactly once).
// Seeds are fixed so a failure reproduces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

function prng(seed) {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

function makeModel(rand) {
  const int = (n) => Math.floor(rand() * n);
  const m = { items: [], next: 0, round: 0, int, rand, notes: 0, deletedEvents: new Set() };
  m.make = (kind) => {
    const id = m.next++;
    if (kind === 'listener') return { kind, id, v: int(100), fmt: 0 };
    if (kind === 'route') return { kind, id, a: int(9) + 1, b: int(50), fmt: 0 };
    if (kind === 'pipe') return { kind, id, stages: [{ op: '+', n: int(9) + 1 }], fmt: 0 };
    // a class: public methods, a closure in a method, and (half of them) #private members
    return { kind: 'class', id, priv: rand() < 0.5, fmt: 0, methods: [{ name: `m${m.next++}`, c: int(9) + 1, closure: false }, { name: `m${m.next++}`, c: int(9) + 1, closure: true }], h: int(9) + 1 };
  };
  for (const k of ['listener', 'route', 'listener', 'class', 'pipe', 'route', 'class', 'listener']) m.items.push(m.make(k));
  return m;
}

const ws = (fmt, a, b) => (fmt ? b : a); // the same code in two layouts

function renderItem(it) {
  const f = it.fmt;
  switch (it.kind) {
    case 'listener':
      return `runs.L${it.id} = (runs.L${it.id} ?? 0) + 1, bus.on('e${it.id}', () => {${ws(f, ' ', '\n  ')}hits.push('L${it.id}:${it.v}');${ws(f, ' ', '\n')}});`;
    case 'route':
      return `runs.R${it.id} = (runs.R${it.id} ?? 0) + 1,${ws(f, ' ', '\n  ')}routes.set('r${it.id}', (x: number) => x * ${it.a} + ${it.b});`;
    case 'pipe':
      return `export function p${it.id}(xs: number[]): number[] {\n  return xs${it.stages.map((s) => `.map((x) => x ${s.op} ${s.n})`).join('')};\n}`;
    case 'class': {
      const body = [`  static {${ws(f, ' ', '\n    ')}runs.C${it.id} = (runs.C${it.id} ?? 0) + 1;${ws(f, ' ', '\n  ')}}`];
      if (it.priv) body.push(`  #secret = 7;`, `  #hidden(): number { return ${it.h}; }`, `  reveal(): number { return this.#hidden(); }`);
      body.push(`  v = 3;`);
      const base = it.priv ? 'this.#secret' : 'this.v';
      for (const me of it.methods) {
        body.push(me.closure
          ? `  ${me.name}(x: number): number { return [x].map((y) => ${base} * ${me.c} + y)[0]; }`
          : `  ${me.name}(x: number): number { return this.v * ${me.c} + x; }`);
      }
      return `export class C${it.id} {\n${body.join(ws(f, '\n', '\n\n'))}\n}`;
    }
  }
}

function render(m) {
  const head = [
    `import { EventEmitter } from 'node:events';`,
    `export const bus = new EventEmitter();`,
    `export const hits: string[] = [];`,
    `export const runs: Record<string, number> = {};`,
    `export const routes = new Map<string, (x: number) => number>();`,
    `export const ROUND = ${m.round};`,
  ];
  const parts = [];
  for (const it of m.items) {
    if (it.note) parts.push(`// note ${it.note}`);
    parts.push(renderItem(it));
  }
  // lookups by name, so the driver can reach what exists now (this function is patched every round)
  const classes = m.items.filter((i) => i.kind === 'class').map((i) => `C${i.id}`);
  const pipes = m.items.filter((i) => i.kind === 'pipe').map((i) => `p${i.id}`);
  parts.push(`export function lookup(name: string): any {\n  return ({ ${[...classes, ...pipes].join(', ')} } as any)[name];\n}`);
  return head.join('\n') + '\n\n' + parts.join('\n\n') + '\n';
}

const DRIVER = `import * as g from './gen.js';
// references taken at start: function objects and instances made by the first run
const start = { routes: new Map(g.routes), instances: new Map<string, any>(), pipes: new Map<string, any>() };
for (const name of (process.env.START_CLASSES ?? '').split(',').filter(Boolean)) start.instances.set(name, new (g.lookup(name))());
for (const name of (process.env.START_PIPES ?? '').split(',').filter(Boolean)) start.pipes.set(name, g.lookup(name));
process.stdin.setEncoding('utf8');
let buf = '';
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) !== -1) {
    const req = JSON.parse(buf.slice(0, i));
    buf = buf.slice(i + 1);
    if (req.round) { console.log(JSON.stringify({ round: g.ROUND })); continue; }
    const out: any = { runs: { ...g.runs }, events: {}, routes: {}, startRoutes: {}, methods: {}, pipes: {} };
    for (const e of req.events) { g.hits.length = 0; g.bus.emit(e); out.events[e] = [...g.hits]; }
    for (const r of req.routes) { out.routes[r] = g.routes.get(r)?.(5) ?? null; out.startRoutes[r] = start.routes.get(r)?.(5) ?? null; }
    for (const [cls, meth] of req.methods) {
      const fresh = new (g.lookup(cls))();
      const old = start.instances.get(cls);
      const call = (o: any) => (o && typeof o[meth] === 'function' ? o[meth](2) : null);
      out.methods[cls + '.' + meth] = [call(fresh), old ? call(old) : 'none', old ? old instanceof g.lookup(cls) : 'none'];
    }
    for (const p of req.pipes) out.pipes[p] = [g.lookup(p)([1, 2, 3]), start.pipes.get(p)?.([1, 2, 3]) ?? 'none'];
    console.log(JSON.stringify(out));
  }
});
`;

function mutate(m) {
  const { rand, int } = m;
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const of = (kind) => m.items.filter((i) => i.kind === kind);
  const ops = int(3) + 1;
  for (let k = 0; k < ops; k++) {
    const op = pick(['listener-body', 'route-body', 'insert-listener', 'insert-route', 'delete-listener', 'move', 'move',
      'pipe-stage', 'pipe-edit', 'method-add', 'method-del', 'method-reorder', 'method-body', 'closure-body', 'private-body', 'note', 'format']);
    const at = int(m.items.length + 1);
    switch (op) {
      case 'listener-body': { const l = pick(of('listener')); if (l) l.v = int(100); break; }
      case 'route-body': { const r = pick(of('route')); if (r) { r.a = int(9) + 1; r.b = int(50); } break; }
      case 'insert-listener': m.items.splice(at, 0, m.make('listener')); break;
      case 'insert-route': m.items.splice(at, 0, m.make('route')); break;
      case 'delete-listener': { const ls = of('listener'); if (ls.length > 1) { const l = pick(ls); m.items.splice(m.items.indexOf(l), 1); m.deletedEvents.add(`e${l.id}`); } break; }
      case 'move': { const i = int(m.items.length); const [it] = m.items.splice(i, 1); m.items.splice(int(m.items.length + 1), 0, it); break; }
      case 'pipe-stage': { const p = pick(of('pipe')); if (p) p.stages.unshift({ op: pick(['+', '*']), n: int(9) + 1 }); break; }
      case 'pipe-edit': { const p = pick(of('pipe')); if (p) pick(p.stages).n = int(9) + 1; break; }
      case 'method-add': { const c = pick(of('class')); c.methods.splice(int(c.methods.length + 1), 0, { name: `m${m.next++}`, c: int(9) + 1, closure: rand() < 0.5 }); break; }
      case 'method-del': { const c = pick(of('class')); if (c.methods.length > 1) c.methods.splice(int(c.methods.length), 1); break; }
      case 'method-reorder': { const c = pick(of('class')); c.methods.reverse(); break; }
      case 'method-body': { const c = pick(of('class')); pick(c.methods).c = int(9) + 1; break; }
      case 'closure-body': { const c = pick(of('class')); const cl = c.methods.filter((x) => x.closure); if (cl.length) pick(cl).c = int(9) + 1; break; }
      case 'private-body': { const c = of('class').find((x) => x.priv); if (c) c.h = int(9) + 1; break; }
      case 'note': pick(m.items).note = ++m.notes; break;
      case 'format': { const it = pick(m.items); it.fmt = 1 - it.fmt; break; }
    }
  }
}

/** What a fresh run of the model's version answers (and, for references taken at start, what they must). */
function expected(m, start) {
  const out = { runs: {}, events: {}, routes: {}, startRoutes: {}, methods: {}, pipes: {} };
  for (const it of m.items) {
    if (it.kind === 'listener') { out.runs[`L${it.id}`] = 1; out.events[`e${it.id}`] = [`L${it.id}:${it.v}`]; }
    if (it.kind === 'route') { out.runs[`R${it.id}`] = 1; out.routes[`r${it.id}`] = 5 * it.a + it.b; out.startRoutes[`r${it.id}`] = start.routes.has(`r${it.id}`) ? 5 * it.a + it.b : null; }
    if (it.kind === 'class') {
      out.runs[`C${it.id}`] = 1;
      const old = start.classes.has(`C${it.id}`);
      const base = it.priv ? 7 : 3;
      for (const me of it.methods) {
        const v = me.closure ? base * me.c + 2 : 3 * me.c + 2;
        out.methods[`C${it.id}.${me.name}`] = [v, old ? v : 'none', old ? true : 'none'];
      }
      if (it.priv) out.methods[`C${it.id}.reveal`] = [it.h, old ? it.h : 'none', old ? true : 'none'];
    }
    if (it.kind === 'pipe') {
      const run = (xs) => it.stages.reduce((acc, s) => acc.map((x) => (s.op === '+' ? x + s.n : x * s.n)), xs);
      out.pipes[`p${it.id}`] = [run([1, 2, 3]), start.pipes.has(`p${it.id}`) ? run([1, 2, 3]) : 'none'];
    }
  }
  // a listener whose statement was deleted: its statement's effects are gone with it
  for (const e of m.deletedEvents) if (!(e in out.events)) out.events[e] = [];
  // deleted methods are gone from old instances too
  for (const it of m.items) if (it.kind === 'class') for (const name of start.methodsEver.get(`C${it.id}`) ?? []) {
    const key = `C${it.id}.${name}`;
    if (!(key in out.methods) && name !== 'reveal') out.methods[key] = [null, start.classes.has(`C${it.id}`) ? null : 'none', start.classes.has(`C${it.id}`) ? true : 'none'];
  }
  return out;
}

// (seeds 12 and 14 plan every save over the whole file: the fast and region paths must agree with it)
for (const [seed, whole] of [[11, false], [12, true], [13, false], [14, true]]) {
  test(`random structural edits, seed ${seed}${whole ? ' (whole-file planning)' : ''}`, async () => {
    const m = makeModel(prng(seed));
    const start = {
      routes: new Set(m.items.filter((i) => i.kind === 'route').map((i) => `r${i.id}`)),
      classes: new Set(m.items.filter((i) => i.kind === 'class').map((i) => `C${i.id}`)),
      pipes: new Set(m.items.filter((i) => i.kind === 'pipe').map((i) => `p${i.id}`)),
      methodsEver: new Map(),
    };
    const app = makeApp({ 'gen.ts': render(m), 'app.ts': DRIVER });
    const p = jurig(app, ['-v', 'app.ts'], { env: { START_CLASSES: [...start.classes].join(), START_PIPES: [...start.pipes].join(), ...(whole ? { JURIG_NO_FASTPATH: '1' } : {}) } });
    try {
      for (let round = 1; round <= 10; round++) {
        mutate(m);
        m.round = round;
        for (const it of m.items) if (it.kind === 'class') {
          const s = start.methodsEver.get(`C${it.id}`) ?? new Set();
          for (const me of it.methods) s.add(me.name);
          start.methodsEver.set(`C${it.id}`, s);
        }
        const text = render(m);
        app.write('gen.ts', text);
        await p.askUntil(JSON.stringify({ round: true }), (l) => l === JSON.stringify({ round }));
        const want = expected(m, start);
        const req = {
          events: Object.keys(want.events), routes: Object.keys(want.routes),
          methods: Object.keys(want.methods).map((k) => k.split('.')), pipes: Object.keys(want.pipes),
        };
        const got = JSON.parse(await p.ask(JSON.stringify(req)));
        const ran = Object.entries(got.runs).filter(([, n]) => n !== 1);
        assert.deepEqual(ran, [], `seed ${seed} round ${round}: statements ran again\n--- gen.ts ---\n${text}\nstderr:\n${p.err.join('\n')}`);
        got.runs = Object.fromEntries(Object.entries(got.runs).filter(([k]) => k in want.runs));
        assert.deepEqual(got, want, `seed ${seed} round ${round}\n--- gen.ts ---\n${text}\nstderr:\n${p.err.join('\n')}`);
      }
      assert.ok(!p.err.some((l) => l.includes('jurig error') || l.includes('internal error')), p.err.join('\n'));
    } finally {
      await p.kill();
      app.cleanup();
    }
  });
}
