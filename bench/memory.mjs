// Bench 4 — memory per save: a 100 KB TypeScript module whose `handle()` body (the version string it
// returns) changes on every save, saved editor-style (temp file + rename) as soon as the previous version
// answers. Each tool runs the same app as in the latency bench (bench/peers.mjs) and, every N/20 saves,
// reports heap used and RSS after forced GCs (`--expose-gc`; Bun.gc(true) under Bun). The first 20 saves
// are warm-up (first-save analysis, JIT, lazily loaded code), reported apart.
// Per save = least-squares slope of heap over save number; trend = slope over the second half of the
// saves against the first half. Goal (jurig): ≤ 2 KB per save and no growth trend (second-half slope ≤
// 0.25 KB a save: the heap stops growing) over 10,000 saves. Peers get fewer saves (their saves are slower), same module.
// Env: QUICK=1; JURIG_BENCH_TOOLS=jurig,...; JURIG_BENCH_SAVES=<n> for jurig.
import { genModule } from './gen.mjs';
import { IN_PROCESS, kill, launch, save } from './peers.mjs';
import { QUICK, writeVerdicts, ensureBenchDeps, ensureBuilt, fmt, pct, rm, sleep, slope, table, writeSection } from './lib.mjs';

ensureBuilt();
ensureBenchDeps();
const WARM = 20;
const LONG = Number(process.env.JURIG_BENCH_SAVES) || (QUICK ? 1000 : 10000); // jurig, one function of a small module
const SAVES = {
  jurig: QUICK ? 200 : 1000,
  'bun --hot': QUICK ? 200 : 2000,
  vite: QUICK ? 100 : 500,
  'hot-hook': QUICK ? 100 : 500,
  dynohot: QUICK ? 40 : 150, // ≥ 100 ms per save (its debounce)
};
const onlyTools = process.env.JURIG_BENCH_TOOLS?.split(',');
const HOW = process.env.JURIG_BENCH_HOW || 'rename';
// chokidar-based watchers (hot-hook, Vite) drop a change that follows the previous one within ~50 ms
const GAP = process.env.JURIG_BENCH_GAP ? Object.fromEntries(IN_PROCESS.map((t) => [t, Number(process.env.JURIG_BENCH_GAP)])) : { 'hot-hook': 60, vite: 60 };

const filler = genModule('f', 230);
const cut = filler.indexOf('\nexport ', filler.length >> 1);
const HANDLE = (v) => `export function handle(q: string): string {
  return 'v${v}:' + q;
}
`;
const MODULES = {
  big: (v) => `${filler.slice(0, cut)}\n\n${HANDLE(v)}${filler.slice(cut)}`,
  tiny: HANDLE,
};
const size = MODULES.big(0).length;

async function heapOf(p) {
  const a = await p.client.ask(20000, 'gc');
  return a ? JSON.parse(a) : null;
}

async function runTool(tool, n, mod) {
  const src = MODULES[mod];
  const p = await launch(tool, { mod, text: src(0), first: 'v0:q', gc: true });
  const r = { tool, n, mod, points: [], warm: null, error: p.error, seconds: NaN, resaves: 0, lat: [] };
  if (p.error) { kill(p.child); rm(p.dir); return r; }
  const step = Math.max(1, Math.round(n / 20));
  const t0 = Date.now();
  try {
    await sleep(500);
    const h0 = await heapOf(p);
    for (let v = 1; v <= WARM + n; v++) {
      save(p.dir, mod, HOW, src(v));
      const want = `v${v}:q`;
      const s = performance.now();
      let last = s;
      for (;;) {
        const a = await p.client.ask(2000);
        if (a === want) break;
        if (p.exited) throw new Error(`${p.exited} at save ${v}: ${p.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`);
        const now = performance.now();
        if (now - s > 10000) throw new Error(`save ${v} not applied within 10 s, even re-saved`);
        // a tool that lost the save (a watcher that drops a second event within its throttle window)
        // gets the same text saved again after 2 s; counted
        if (now - last > 2000) { save(p.dir, mod, HOW, src(v)); r.resaves++; last = now; }
      }
      r.lat.push(performance.now() - s);
      if (GAP[tool]) await sleep(GAP[tool]);
      if (v === WARM) { const h = await heapOf(p); r.warm = [h0, h]; r.points.push([0, h.heap, h.rss]); }
      else if (v > WARM && (v - WARM) % step === 0) { const h = await heapOf(p); r.points.push([v - WARM, h.heap, h.rss]); }
    }
  } catch (e) {
    r.error = e.message;
  } finally {
    r.seconds = (Date.now() - t0) / 1000;
    kill(p.child);
    await sleep(200);
    rm(p.dir);
  }
  return r;
}

const runs = IN_PROCESS.filter((t) => !onlyTools || onlyTools.includes(t)).map((t) => [t, SAVES[t], 'big']);
if (!onlyTools || onlyTools.includes('jurig')) runs.push(['jurig', LONG, 'tiny']);
const results = [];
for (const [tool, n, mod] of runs) {
  const r = await runTool(tool, n, mod);
  results.push(r);
  const p = r.points;
  console.log(`${tool} ${mod}: ${p.length} samples, ${fmt(r.seconds, 0)} s, save→answer p50 ${fmt(pct(r.lat, 50), 1)} p90 ${fmt(pct(r.lat, 90), 1)} ms, ${r.resaves} re-saves${r.error ? `, ERROR ${r.error}` : ''}${p.length > 1 ? `, heap ${(p[0][1] / 2 ** 20).toFixed(2)} → ${(p.at(-1)[1] / 2 ** 20).toFixed(2)} MB` : ''}`);
}

const KB = 1024;
const rows = [], detail = [];
let verdict = 'not run';
for (const r of results) {
  const p = r.points;
  const label = `${r.tool}, ${r.mod === 'big' ? `${(size / 1024).toFixed(0)} KB module` : '3-line module'}`;
  if (p.length < 4) { rows.push([label, `${r.n}`, '—', '—', '—', '—', '—', '—', `FAILED: ${(r.error ?? 'no samples').slice(0, 120)}`]); if (r.tool === 'jurig') verdict = 'NOT MEASURED'; continue; }
  const xs = p.map((x) => x[0]), hs = p.map((x) => x[1]), rs = p.map((x) => x[2]);
  const mid = Math.floor(p.length / 2);
  const all = slope(xs, hs) / KB;
  const first = slope(xs.slice(0, mid + 1), hs.slice(0, mid + 1)) / KB, second = slope(xs.slice(mid), hs.slice(mid)) / KB;
  const rss = slope(xs, rs) / KB;
  const n = p.at(-1)[0];
  const warm = r.warm ? (r.warm[1].heap - r.warm[0].heap) / KB : NaN;
  let goal = '';
  if (r.tool === 'jurig') {
    const ok = all <= 2 && second <= 0.25 && !r.error;
    goal = ok ? 'met' : 'MISSED';
    verdict = verdict === 'not run' || verdict === 'met' ? goal : verdict;
  }
  rows.push([label, `${n}${r.error ? ` (stopped: ${r.error.slice(0, 80)})` : ''}`, fmt(p[0][1] / 2 ** 20, 2), fmt(p.at(-1)[1] / 2 ** 20, 2), fmt(all, 2), `${fmt(first, 2)} / ${fmt(second, 2)}`, fmt(rss, 2), `${fmt(warm, 0)} KB in ${WARM} saves; ${fmt(r.seconds, 0)} s; save→answer p50 ${fmt(pct(r.lat, 50), 1)} ms${r.resaves ? `; ${r.resaves} re-saves` : ''}`, goal]);
  detail.push(`${label}: heap MB after GC at save ${p.map(([x, h]) => `${x}: ${(h / 2 ** 20).toFixed(2)}`).join(', ')}`);
}
const t = table(['tool', 'saves', 'heap MB (after warm-up)', 'heap MB (end)', 'KB per save (slope)', 'KB/save 1st half / 2nd half', 'RSS KB per save', 'warm-up; run time', 'goal: ≤ 2 KB, no trend'], rows);
const md = `## 4. Memory per save (\`node bench/memory.mjs\`)

Each save (temp file + rename, written as soon as the previous version answers; hot-hook and Vite get
${GAP.vite ?? 0} ms more, their chokidar watchers drop a second change within ~50 ms) changes \`handle()\`'s body. Heap
used after four forced GCs between event-loop turns, sampled 20 times per run; per save = least-squares
slope after ${WARM} warm-up saves. Tools run as in bench 1 (bench/peers.mjs), one process each, on a ${(size / 1024).toFixed(0)} KB
TypeScript module (jurig ${SAVES.jurig} saves, Bun ${SAVES['bun --hot']}, Vite and hot-hook ${SAVES.vite}, dynohot ${SAVES.dynohot}: it needs ≥ 100 ms a save),
and jurig alone for ${LONG} saves of the one function of a 3-line module. "re-saves": a save the tool never
applied, written again after 2 s.
Goal (jurig): ≤ 2 KB per save and flat (no growth trend: the second half of the saves retains ≤ 0.25 KB a
save, i.e. the heap stops growing): **${verdict}**.

${t}

${detail.map((d) => '- ' + d).join('\n')}
`;
console.log(md);
writeSection('4-memory', md);
writeVerdicts('4-memory', [{ goal: 'memory per save ≤ 2 KB and flat (10,000 saves of one function)',
  measured: rows.filter((r) => r[0].startsWith('jurig')).map((r) => `${r[0]}: ${r[1]} saves, ${r[4]} KB/save (halves ${r[5]})`).join('; ') || 'not run',
  verdict: verdict === 'met' ? 'met' : verdict === 'MISSED' ? 'MISSED' : 'not measured' }]);
