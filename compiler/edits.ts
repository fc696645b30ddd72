// A list of text edits (insertions and replacements) over a base text, and the source map of the result.
// The base text is JavaScript that maps to the user's file through `base` segments (SWC's map for
// TypeScript, an identity map for JavaScript). Instrumentation keeps line breaks where they were, so
// stack lines stay right even without the map; a prefix before a slice is supported for patch code.
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import { GUARD_END } from './names.js';

// At one position: closing insertions of inner nodes, then of outer ones; then openings from outer to inner;
// then replacements. `depth` orders nested openings/closings.
export const Order = { Close: 0, Open: 2000, Replace: 4000 } as const;

export interface Edit {
  start: number;
  end: number;
  text: string;
  order: number;
  seq: number;
}

export class Edits {
  readonly list: Edit[] = [];
  insert(pos: number, text: string, order: number = Order.Open): void {
    this.list.push({ start: pos, end: pos, text, order, seq: this.list.length });
  }
  open(pos: number, text: string, depth: number): void {
    this.insert(pos, text, Order.Open + depth);
  }
  close(pos: number, text: string, depth: number): void {
    this.insert(pos, text, Order.Close + (1000 - depth));
  }
  replace(start: number, end: number, text: string): void {
    this.list.push({ start, end, text, order: Order.Replace, seq: this.list.length });
  }
  sorted(): Edit[] {
    return [...this.list].sort((a, b) => a.start - b.start || a.order - b.order || a.seq - b.seq);
  }
}

/** Apply edits to base.slice(from, to). */
export function applyEdits(base: string, edits: Edit[], from = 0, to = base.length): string {
  let out = '';
  let pos = from;
  for (const e of edits) {
    if (e.start < from || e.end > to) continue;
    if (e.start < pos) continue; // overlapped by an earlier replacement: ignored (callers avoid this)
    out += base.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + base.slice(pos, to);
}

/** Segments of the base text: per generated line, [col, 0, srcLine, srcCol]. */
export type BaseMap = SourceMapSegment[][];

export function decodeMappings(mappings: string): BaseMap {
  return decode(mappings);
}

/** An identity map for a JavaScript file: a segment at the start of every token-like run. */
export function identityMap(src: string): BaseMap {
  const lines: BaseMap = [];
  let line: SourceMapSegment[] = [];
  let l = 0,
    lineStart = 0;
  const re = /\n|[\p{L}\p{N}_$]+|[^\s\p{L}\p{N}_$]/gu;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m[0] === '\n') {
      lines.push(line);
      line = [];
      l++;
      lineStart = m.index + 1;
      continue;
    }
    const col = m.index - lineStart;
    line.push([col, 0, l, col]);
  }
  lines.push(line);
  return lines;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export interface MapOptions {
  base: BaseMap;
  baseText: string;
  baseLineStarts?: number[];
  edits: Edit[];
  from?: number;
  to?: number;
  prefix?: string; // generated text before the slice (no mappings)
  source: string; // URL of the original file
}

/** The source map (v3 object) of prefix + applyEdits(base, edits, from, to). */
export function composeMap(o: MapOptions): SourceMapV3 {
  return mapOfLines(o.source, composeMapLines(o));
}

export interface SourceMapV3 {
  version: 3;
  sources: string[];
  names: string[];
  mappings: string;
  ignoreList?: number[];
  x_google_ignoreList?: number[];
}

/**
 * The map of `lines` for `source`. jurig's guards at the top of function bodies map to a second source, the
 * file's URL with `?jurig-guard`, which the map puts on its ignore list: a debugger steps through them
 * (Chrome DevTools, VS Code), while stack traces print the same file:line (Node drops a file URL's query).
 */
export function mapOfLines(source: string, lines: SourceMapSegment[][]): SourceMapV3 {
  const guards = lines.some((l) => l.some((seg) => seg.length >= 4 && seg[1] === 1));
  if (!guards) return { version: 3, sources: [source], names: [], mappings: encode(lines) };
  const guardSource = source + (source.includes('?') ? '&' : '?') + 'jurig-guard';
  return { version: 3, sources: [source, guardSource], names: [], mappings: encode(lines), ignoreList: [1], x_google_ignoreList: [1] };
}

/** composeMap's mappings, decoded (a line's segments per generated line), for maps put together by the caller. */
export function composeMapLines(o: Omit<MapOptions, 'source'>): SourceMapSegment[][] {
  const from = o.from ?? 0,
    to = o.to ?? o.baseText.length;
  const starts = o.baseLineStarts ?? lineStartsOf(o.baseText);
  const prefix = o.prefix ?? '';
  // generated line/col of the prefix end
  const prefixLines = prefix.split('\n');
  let outLine = prefixLines.length - 1;
  let outLineStartOffset = prefix.length - prefixLines[prefixLines.length - 1].length; // output offset where outLine starts
  const out: SourceMapSegment[][] = [];
  for (let i = 0; i <= outLine; i++) out.push([]);

  // jurig's guard at the top of a function body (`if(cell.p!==void 0)return …;`) maps where it always did,
  // but to source 1, the ignore-listed `?jurig-guard` source (mapOfLines); its end maps back to the file.
  // (runtime/debug-lines.ts)
  let src: [number, number] | null = null; // the original position of the last segment
  let resume: [number, number, number, number] | null = null; // [outLine, col, srcLine, srcCol] after a guard
  const flushResume = (line: number, col: number) => {
    if (resume && (resume[0] !== line || resume[1] < col)) out[resume[0]].push([resume[1], 0, resume[2], resume[3]]);
    resume = null;
  };
  const edits = o.edits.filter((e) => e.start >= from && e.end <= to);
  let ei = 0; // next edit not yet accounted
  let delta = prefix.length - from; // output offset = base offset + delta (for positions after accounted edits)
  let lastAccounted = from;
  const text = o.baseText;
  // output offsets of line breaks are found by scanning the base between segments, plus inserted text
  let scanBase = from; // base position up to which line breaks were counted

  const advanceLines = (baseUpTo: number) => {
    // count base line breaks in [scanBase, baseUpTo) that are not inside replaced ranges
    for (let i = text.indexOf('\n', scanBase); i !== -1 && i < baseUpTo; i = text.indexOf('\n', i + 1)) {
      outLine++;
      outLineStartOffset = i + 1 + delta;
      out.push([]);
    }
    scanBase = Math.max(scanBase, baseUpTo);
  };

  const firstLine = lineIndex(starts, from);
  for (let l = firstLine; l < o.base.length; l++) {
    const segs = o.base[l];
    if (!segs || segs.length === 0) continue;
    const ls = starts[l];
    if (ls === undefined || ls >= to) break;
    for (const seg of segs) {
      const pos = ls + seg[0];
      if (pos < from) continue;
      if (pos >= to) break;
      // account edits that start before pos (and insertions at pos)
      while (ei < edits.length && (edits[ei].start < pos || (edits[ei].start === pos && edits[ei].end === pos))) {
        const e = edits[ei];
        if (e.start >= lastAccounted) {
          advanceLines(e.start);
          const outStart = e.start + delta;
          const guard = src !== null && e.end === e.start && e.text.endsWith(GUARD_END) && !e.text.startsWith('(') && !e.text.includes('\n');
          if (guard) {
            const col = outStart - outLineStartOffset;
            flushResume(outLine, col);
            out[outLine].push([col, 1, src![0], src![1]]);
            resume = [outLine, col + e.text.length, src![0], src![1]];
          }
          for (let k = e.text.indexOf('\n'); k !== -1; k = e.text.indexOf('\n', k + 1)) {
            outLine++;
            outLineStartOffset = outStart + k + 1;
            out.push([]);
          }
          delta += e.text.length - (e.end - e.start);
          scanBase = e.end; // line breaks inside a replaced range are gone from the output
          lastAccounted = e.end;
        }
        ei++;
      }
      if (pos < lastAccounted) continue; // inside a replaced range
      advanceLines(pos);
      const outOffset = pos + delta;
      const col = outOffset - outLineStartOffset;
      if (seg.length >= 4) {
        flushResume(outLine, col);
        out[outLine].push([col, 0, seg[2]!, seg[3]!]);
        src = [seg[2]!, seg[3]!];
      }
    }
  }
  if (resume) flushResume(-1, 0);
  return out;
}

function lineIndex(starts: number[], pos: number): number {
  let lo = 0,
    hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function mapComment(map: object): string {
  return '//# sourceMappingURL=data:application/json;charset=utf-8;base64,' + Buffer.from(JSON.stringify(map)).toString('base64');
}

// the few texts the runtime keeps asking about (the running and the saved version, their JS)
const startsCache = new Map<string, number[]>();
/** lineStartsOf, remembered for the last few texts. */
export function cachedLineStarts(text: string): number[] {
  let s = startsCache.get(text);
  if (!s) {
    if (startsCache.size >= 8) startsCache.clear();
    startsCache.set(text, (s = lineStartsOf(text)));
  }
  return s;
}

export { lineStartsOf, lineIndex };
