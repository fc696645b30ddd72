// A small Chrome DevTools Protocol client for tests: a WebSocket over node:http (Node 20 has no WebSocket
// client built in), commands with ids, events to listeners, and a source-map-aware breakpoint helper that
// does what Chrome DevTools and VS Code do: a breakpoint on a line of a .ts file is set in every script
// whose source map places code on that line, including scripts parsed later.
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { decode } from '@jridgewell/sourcemap-codec';

export async function connect(wsUrl) {
  const u = new URL(wsUrl);
  const socket = await new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64') } });
    req.on('upgrade', (_res, s) => resolve(s));
    req.on('error', reject);
    req.end();
  });
  let buf = Buffer.alloc(0);
  const listeners = new Set();
  const pending = new Map();
  let nextId = 1;
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      if (buf.length < 2) return;
      let len = buf[1] & 0x7f, off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      if (buf.length < off + len) return;
      const op = buf[0] & 0x0f, payload = buf.subarray(off, off + len).toString('utf8');
      buf = buf.subarray(off + len);
      if (op !== 1) continue; // (the inspector sends unfragmented text frames)
      const msg = JSON.parse(payload);
      if (msg.id && pending.has(msg.id)) {
        const { resolve, reject } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) reject(new Error(`${msg.error.message} (${JSON.stringify(msg.error)})`)); else resolve(msg.result);
      } else for (const l of listeners) l(msg);
    }
  });
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const data = Buffer.from(JSON.stringify({ id, method, params }));
    const mask = randomBytes(4);
    const head = data.length < 126 ? Buffer.from([0x81, 0x80 | data.length])
      : data.length < 65536 ? Buffer.from([0x81, 0x80 | 126, data.length >> 8, data.length & 0xff])
      : (() => { const h = Buffer.alloc(10); h[0] = 0x81; h[1] = 0x80 | 127; h.writeBigUInt64BE(BigInt(data.length), 2); return h; })();
    for (let i = 0; i < data.length; i++) data[i] ^= mask[i & 3];
    socket.write(Buffer.concat([head, mask, data]));
  });
  return {
    send,
    on(l) { listeners.add(l); return () => listeners.delete(l); },
    /** The next event `method` (matching `pred`), from now on. */
    next(method, pred = () => true, timeout = 15000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { off(); reject(new Error(`timed out waiting for ${method}`)); }, timeout);
        const off = this.on((m) => { if (m.method === method && pred(m.params)) { clearTimeout(timer); off(); resolve(m.params); } });
      });
    },
    close() { socket.destroy(); },
  };
}

/** A script's source map, decoded: sources and, per generated line, [col, source, line, col] segments. */
function mapOf(script) {
  const url = script.sourceMapURL;
  if (!url?.startsWith('data:')) return null;
  const json = JSON.parse(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64').toString('utf8'));
  return { sources: json.sources, ignore: new Set(json.ignoreList ?? json.x_google_ignoreList ?? []), lines: decode(json.mappings) };
}

/**
 * Debugger scripts and their maps, and breakpoints by original file and line (1-based) that bind in every
 * script mapped to that file, now and as scripts are parsed (as DevTools does).
 */
export async function sourceMapped(cdp) {
  const scripts = new Map(); // scriptId → { url, map, source? }
  const wanted = []; // { file, line }
  // key → the setBreakpoint request (a binding started by scriptParsed may still be in flight when a test
  // asks for it: the test must not run the code before the breakpoint is set)
  const bound = new Map();
  const bind = async (id) => {
    const s = scripts.get(id);
    for (const bp of wanted) {
      const key = `${id}:${bp.file}:${bp.line}`;
      if (bound.has(key)) {
        await bound.get(key);
        continue;
      }
      if (!s.map) continue;
      const si = s.map.sources.indexOf(bp.file);
      if (si === -1) continue;
      // the first generated position mapped to that line
      let at = null;
      s.map.lines.forEach((segs, gl) => { for (const seg of segs) if (!at && seg.length >= 4 && seg[1] === si && seg[2] === bp.line - 1) at = { lineNumber: gl, columnNumber: seg[0] }; });
      if (!at) continue;
      const set = cdp.send('Debugger.setBreakpoint', { location: { scriptId: id, ...at } }).catch(() => {});
      bound.set(key, set);
      await set;
    }
  };
  cdp.on((m) => {
    if (m.method !== 'Debugger.scriptParsed') return;
    scripts.set(m.params.scriptId, { url: m.params.url, map: mapOf(m.params) });
    void bind(m.params.scriptId);
  });
  await cdp.send('Debugger.enable');
  return {
    scripts,
    async breakAt(file, line) { wanted.push({ file, line }); for (const id of scripts.keys()) await bind(id); },
    /** Wait until a script parsed from now on (its URL matching `url`) maps code to `file`:`line`; binds its breakpoints first. */
    async mapped(url, file, line, timeout = 15000) {
      const t0 = Date.now();
      for (;;) {
        for (const [id, s] of scripts) {
          if (!url.test(s.url) || !s.map) continue;
          const si = s.map.sources.indexOf(file);
          if (si !== -1 && s.map.lines.some((segs) => segs.some((seg) => seg[1] === si && seg[2] === line - 1))) { await bind(id); return id; }
        }
        if (Date.now() - t0 > timeout) throw new Error(`no script ${url} maps ${file}:${line}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    /** Where a paused location is in the original file: { file, line, ignored } (null: not mapped). */
    original({ scriptId, lineNumber, columnNumber }) {
      const s = scripts.get(scriptId);
      if (!s?.map) return null;
      const segs = s.map.lines[lineNumber] ?? [];
      let best = null;
      for (const seg of segs) if (seg[0] <= columnNumber) best = seg; else break;
      if (!best || best.length < 4) return null;
      return { file: s.map.sources[best[1]], line: best[2] + 1, ignored: s.map.ignore.has(best[1]) };
    },
    /** The ranges of every script mapped to an ignore-listed source (a debugger's skip list for stepping). */
    ignoredRanges() {
      const out = [];
      for (const [scriptId, s] of scripts) {
        if (!s.map?.ignore.size) continue;
        const flat = s.map.lines.flatMap((segs, l) => segs.map((seg) => ({ l, seg })));
        flat.forEach(({ l, seg }, i) => {
          if (seg.length < 4 || !s.map.ignore.has(seg[1])) return;
          const next = flat[i + 1];
          out.push({ scriptId, start: { lineNumber: l, columnNumber: seg[0] }, end: next ? { lineNumber: next.l, columnNumber: next.seg[0] } : { lineNumber: l + 1, columnNumber: 0 } });
        });
      }
      return out;
    },
    /** The generated line of a paused location. */
    async text(scriptId, lineNumber) {
      const s = scripts.get(scriptId);
      s.source ??= (await cdp.send('Debugger.getScriptSource', { scriptId })).scriptSource;
      return s.source.split('\n')[lineNumber];
    },
  };
}
