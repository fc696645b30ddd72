// The Recoder: patch one definition (or a module) from code, live, exactly like a save would; revert to the
// file; commit the patch into the file, keeping the rest of it byte for byte.
import swc from '@swc/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { type Analysed, analyseSource, sourceOffset } from '../compiler/index.js';
import { describe, type Location, locate, rt } from './conform.js';
import { marker, shapeOf } from './structure.js';
import { tooDeep } from '../compiler/nesting.js';
import './running-state.js'; // rec.running() below

// ---------------------------------------------------------------------------------------------------
// An outline of a file's text: its top-level statements and the members of its top-level classes, with
// offsets in that text (TypeScript or JavaScript, parsed by SWC, so TS modifiers and types are included).

export interface Member {
  name: string;
  isStatic: boolean;
  kind: 'method' | 'get' | 'set' | 'constructor' | 'field';
  start: number;
  end: number;
}
export interface Item {
  kind: 'import' | 'function' | 'class' | 'var' | 'other';
  names: string[];
  start: number; // including `export`
  declStart: number; // after `export` / `export default`
  end: number;
  exported: boolean;
  members: Member[];
}

const PREFIX = '0;';

export function outline(text: string, ts: boolean): Item[] {
  const deep = tooDeep(text, ts); // SWC would crash the process (compiler/nesting.ts)
  if (deep) throw new SyntaxError(`${deep.line}:${deep.column}: ${deep.message}`);
  const ast = swc.parseSync(
    PREFIX + text,
    ts ? { syntax: 'typescript', tsx: false, decorators: true, target: 'esnext' } : { syntax: 'ecmascript', jsx: false, decorators: true, target: 'esnext' },
  ) as unknown as { body: SwcNode[] };
  const base = ast.body[0].span.start + PREFIX.length;
  const pos = byteToChar(text);
  const at = (b: number) => pos(b - base);
  const items: Item[] = [];
  for (const st of ast.body.slice(1)) {
    let decl: SwcNode = st;
    let exported = false;
    if (st.type === 'ExportDeclaration') {
      decl = st.declaration!;
      exported = true;
    } else if (st.type === 'ExportDefaultDeclaration') {
      decl = st.decl!;
      exported = true;
    }
    const item: Item = { kind: 'other', names: [], start: at(st.span.start), declStart: at(decl.span.start), end: at(st.span.end), exported, members: [] };
    switch (decl.type) {
      case 'ImportDeclaration':
        item.kind = 'import';
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
        item.kind = 'function';
        if (decl.identifier) item.names.push(decl.identifier.value);
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        item.kind = 'class';
        if (decl.identifier) item.names.push(decl.identifier.value);
        for (const m of decl.body ?? []) {
          const key = m.key;
          let name: string | null = null;
          if (m.type === 'Constructor') name = 'constructor';
          else if (key?.type === 'Identifier' || key?.type === 'StringLiteral') name = String(key.value);
          else if (key?.type === 'PrivateName') name = '#' + (key.value ?? key.id?.value ?? key.name);
          if (name === null) continue;
          const kind =
            m.type === 'Constructor'
              ? 'constructor'
              : m.type === 'ClassProperty' || m.type === 'PrivateProperty'
                ? 'field'
                : m.kind === 'getter'
                  ? 'get'
                  : m.kind === 'setter'
                    ? 'set'
                    : 'method';
          item.members.push({ name, isStatic: !!m.isStatic, kind, start: at(m.span.start), end: at(m.span.end) });
        }
        break;
      case 'VariableDeclaration':
        item.kind = 'var';
        for (const d of decl.declarations ?? []) if (d.id?.type === 'Identifier') item.names.push(d.id.value as string);
        break;
      case 'TsInterfaceDeclaration':
      case 'TsTypeAliasDeclaration':
      case 'TsEnumDeclaration':
      case 'TsModuleDeclaration':
        if (decl.id?.type === 'Identifier') item.names.push(decl.id.value as string);
        break;
    }
    items.push(item);
  }
  return items;
}

/**
 * The fields of SWC's AST (not acorn's: this outline reads TypeScript) that outline() reads. Declared here
 * rather than taken from @swc/types: its 0.1.28 does not match what @swc/core 1.16 gives (a PrivateName is
 * typed `{ id: Identifier }` but comes as `{ value }`), so its types would let wrong reads through.
 */
interface SwcNode {
  type: string;
  span: { start: number; end: number };
  declaration?: SwcNode;
  decl?: SwcNode;
  identifier?: { value: string };
  id?: SwcNode & { value?: string };
  body?: SwcNode[];
  key?: SwcNode;
  value?: unknown;
  name?: string;
  kind?: string;
  isStatic?: boolean;
  declarations?: (SwcNode & { id?: SwcNode })[];
}

/** SWC spans are UTF-8 byte offsets; JS strings index UTF-16 units. */
function byteToChar(text: string): (b: number) => number {
  if (Buffer.byteLength(text) === text.length) return (b) => b;
  const map = new Int32Array(Buffer.byteLength(text) + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!;
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) map[b + k] = i;
    b += n;
    if (c >= 0x10000) i++;
  }
  map[b] = text.length;
  return (x) => map[Math.max(0, Math.min(x, b))];
}

// ---------------------------------------------------------------------------------------------------
// Focus: which part of the text a recoder owns

export type Focus =
  | { kind: 'module' }
  | { kind: 'item'; name: string }
  | { kind: 'member'; cls: string; name: string; isStatic: boolean; mkind: 'method' | 'get' | 'set' | 'constructor'; marker: string };

function focusOf(loc: Location): Focus {
  if (loc.path === null) return { kind: 'module' };
  const state = loc.rec.running();
  const info = state.an.info;
  if (loc.path.includes('/'))
    throw new Error(`a Recoder works on top-level functions, classes and methods; ${loc.path} is nested in a function (make a recoder for the enclosing one)`);
  const d = info.defs.find((x) => x.path === loc.path);
  if (d?.cls) {
    if (d.cls.parentDef || d.cls.path.includes('.')) throw new Error(`a Recoder works on members of top-level classes; ${loc.path} is not one`);
    let seg = loc.path.slice(d.cls.path.length + 1);
    const isStatic = seg.startsWith('static ');
    if (isStatic) seg = seg.slice(7);
    const mkind = d.kind === 'constructor' ? 'constructor' : d.kind === 'get' ? 'get' : d.kind === 'set' ? 'set' : 'method';
    if (mkind === 'get' || mkind === 'set') seg = seg.slice(4);
    if (d.kind === 'arrow' || d.kind === 'function')
      throw new Error(`a Recoder works on methods; ${loc.path} is a function stored in a field (make a recoder for the class)`);
    return { kind: 'member', cls: d.cls.path, name: seg, isStatic, mkind, marker: marker(d) };
  }
  if (loc.path.includes('.'))
    throw new Error(
      `a Recoder works on top-level functions, classes and methods; ${loc.path} is a function inside an object (make a recoder for the statement that defines ${loc.path.split('.')[0]})`,
    );
  return { kind: 'item', name: loc.path };
}

function describeFocus(f: Focus): string {
  return f.kind === 'module' ? 'the module' : f.kind === 'item' ? f.name : `${f.cls}.${f.isStatic ? 'static ' : ''}${f.name}`;
}

// Which definition a recoder edits is found by jurig's own analysis (the model saves use): a top-level
// item by the name its statement declares, a member by its key in its class. SWC's TypeScript parse (the
// outline above) only gives the spans in the user's text, types and modifiers included.

/** The analysis of a text of this file, for the last few texts asked about. */
const analyses = new Map<string, Analysed>();
function analysisOf(text: string, file: string, what: string): Analysed {
  let an = analyses.get(text);
  if (!an) {
    try {
      an = analyseSource(text, file);
    } catch (e) {
      throw syntaxError(e, what);
    }
    if (analyses.size > 4) analyses.clear();
    analyses.set(text, an);
  }
  return an;
}

/** Where the statement declaring `name` starts in the user's text (null: no statement declares it). */
function itemPos(text: string, file: string, name: string): number | null {
  const an = analysisOf(text, file, relative(process.cwd(), file) || file);
  const j = shapeOf(an.info).declared.findIndex((names) => names.includes(name));
  return j === -1 ? null : sourceOffset(an, text, an.info.statements[j].start);
}

/** Where the member of a class (by its key) starts in the user's text. */
function memberPos(text: string, file: string, f: Extract<Focus, { kind: 'member' }>): number | null {
  const an = analysisOf(text, file, relative(process.cwd(), file) || file);
  const d = an.info.defs.find((x) => x.cls?.path === f.cls && x.owner?.type === 'MethodDefinition' && marker(x) === f.marker);
  return d ? sourceOffset(an, text, d.start) : null;
}

function findItem(items: Item[], text: string, file: string, name: string): Item | undefined {
  const pos = itemPos(text, file, name);
  // a TypeScript-only declaration (no JavaScript statement) is found by its name
  return pos === null ? items.find((i) => i.names.includes(name)) : items.find((i) => i.start <= pos && pos < i.end);
}

function findMember(items: Item[], f: Extract<Focus, { kind: 'member' }>, text: string, file: string): Member {
  const pos = memberPos(text, file, f);
  const m = pos === null ? undefined : items.flatMap((i) => i.members).find((x) => x.start <= pos && pos < x.end);
  if (!m) throw new Error(`${describeFocus(f)} is no longer in ${relative(process.cwd(), file) || file}`);
  return m;
}

function dedent(src: string): string {
  const lines = src
    .replace(/^\s*\n/, '')
    .replace(/\s+$/, '')
    .split('\n');
  let common: string | null = null;
  for (const l of lines) {
    if (!l.trim()) continue;
    const ind = /^[ \t]*/.exec(l)![0];
    if (common === null || !ind.startsWith(common)) common = common === null ? ind : commonPrefix(common, ind);
  }
  return lines.map((l) => l.slice(Math.min(common?.length ?? 0, /^[ \t]*/.exec(l)![0].length))).join('\n');
}
function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}
function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
}

type Op = (text: string) => string;

/** The edit that puts `src` (the source of just the focused definition) in place of the focus. */
function definitionOp(f: Exclude<Focus, { kind: 'module' }>, src: string, ts: boolean, file: string): Op {
  const code = dedent(src);
  if (f.kind === 'item') {
    // what the patch defines, as a save of it would see it
    const an = analysisOf(code, file, `the patch for ${f.name}`);
    const declared = shapeOf(an.info).declared;
    if (declared.length !== 1 || declared[0].length !== 1 || declared[0][0] !== f.name) {
      const defined = declared
        .map((names, i) => names.join(', ') || an.js.slice(an.info.statements[i].start, an.info.statements[i].end).split('\n')[0])
        .join('; ');
      throw new Error(`Recoder for ${f.name} cannot be used to define ${defined || 'nothing'} (use patchModule for anything else)`);
    }
    let items: Item[];
    try {
      items = outline(code, ts);
    } catch (e) {
      throw syntaxError(e, `the patch for ${f.name}`);
    }
    const it = items.find((i) => i.names.includes(f.name))!;
    return (text) => {
      const cur = findItem(outline(text, ts), text, file, f.name);
      if (!cur) throw new Error(`${f.name} is no longer in ${relative(process.cwd(), file) || file}`);
      const replacement = cur.exported ? code.slice(it.declStart, it.end) : code.slice(it.start, it.end);
      return cur.exported ? text.slice(0, cur.declStart) + replacement + text.slice(cur.end) : text.slice(0, cur.start) + replacement + text.slice(cur.end);
    };
  }
  // a class member: parse it inside a class, and it must be that member (same key, static, kind)
  const wrapped = `class __jurig_recoder {\n${code}\n}`;
  const an = analysisOf(wrapped, file, `the patch for ${describeFocus(f)}`);
  const members = an.info.defs.filter((d) => d.cls?.path === '__jurig_recoder' && d.owner?.type === 'MethodDefinition');
  if (members.length !== 1 || marker(members[0]) !== f.marker) {
    const defined = members.map((m) => m.path.slice('__jurig_recoder.'.length)).join(', ') || 'something other than one method';
    throw new Error(`Recoder for ${describeFocus(f)} cannot be used to define ${defined} (use patchModule, or a recoder for the class)`);
  }
  let items: Item[];
  try {
    items = outline(wrapped, ts);
  } catch (e) {
    throw syntaxError(e, `the patch for ${describeFocus(f)}`, 1);
  }
  const memberText = wrapped.slice(items[0].members[0].start, items[0].members[0].end);
  return (text) => {
    const m = findMember(outline(text, ts), f, text, file);
    const indent = indentOf(text, m.start);
    const body = memberText
      .split('\n')
      .map((l, i) => (i === 0 || !l.trim() ? l : indent + l))
      .join('\n');
    return text.slice(0, m.start) + body + text.slice(m.end);
  };
}

/** The edit that merges `src` into the module: imports go after the imports, declarations replace the
 * declarations of the same name, anything else is added at the end. */
function moduleOp(src: string, ts: boolean): Op {
  const code = dedent(src);
  let pieces: Item[];
  try {
    pieces = outline(code, ts);
  } catch (e) {
    throw syntaxError(e, 'the module patch');
  }
  return (text) => {
    for (const p of pieces) {
      const piece = code.slice(p.start, p.end);
      const items = outline(text, ts);
      if (p.kind === 'import') {
        if (items.some((i) => i.kind === 'import' && text.slice(i.start, i.end).replace(/\s+/g, ' ') === piece.replace(/\s+/g, ' '))) continue;
        const last = items.filter((i) => i.kind === 'import').at(-1);
        if (last) text = text.slice(0, last.end) + '\n' + piece + text.slice(last.end);
        else {
          const at = text.startsWith('#!') ? text.indexOf('\n') + 1 : 0;
          text = text.slice(0, at) + piece + '\n' + text.slice(at);
        }
        continue;
      }
      const same = p.names.length ? items.find((i) => i.kind !== 'import' && p.names.some((n) => i.names.includes(n))) : undefined;
      if (same) {
        const replacement = same.exported && !p.exported ? code.slice(p.start, p.end) : code.slice(p.start, p.end);
        text = text.slice(0, same.start) + (same.exported && !p.exported ? text.slice(same.start, same.declStart) : '') + replacement + text.slice(same.end);
        continue;
      }
      text = text.replace(/\s*$/, '') + '\n\n' + piece + '\n';
    }
    return text;
  };
}

function syntaxError(e: unknown, what: string, lineOffset = 0): Error {
  const msg = String((e as Error)?.message ?? e).replace(/\x1b\[[0-9;]*m/g, '');
  const err = new SyntaxError(
    `${what} does not parse: ${msg
      .split('\n')
      .filter((l) => l.trim())
      .slice(0, 6)
      .join('\n')}`,
  );
  void lineOffset;
  return err;
}

// ---------------------------------------------------------------------------------------------------

export type RecoderStatus = 'live' | 'saved' | 'out-of-sync';

export class OutOfSyncError extends Error {
  readonly code = 'JURIG_OUT_OF_SYNC';
  override name = 'OutOfSyncError';
}

export class Recoder {
  readonly file: string;
  readonly focus: Focus;
  private ops: Op[] = [];
  private synced: string; // the file's text when this recoder last read or wrote it
  private state: 'live' | 'saved' = 'saved';
  private readonly ts: boolean;

  /** Made by makeRecoder(target): not constructed directly. (`target` is typed as an opaque object so the
   * shipped types do not expose the runtime's Location.) */
  constructor(target: object) {
    const loc = target as Location;
    this.file = loc.rec.file;
    this.focus = focusOf(loc);
    this.ts = /\.[cm]?tsx?$/.test(this.file);
    this.synced = readFileSync(this.file, 'utf8');
  }

  /** What this recoder edits, e.g. `greet`, `Greeter.hello`, or `the module`. */
  get name(): string {
    return describeFocus(this.focus);
  }

  /** `live`: patched, not written; `saved`: the file has it; `out-of-sync`: the file changed on disk since. */
  get status(): RecoderStatus {
    let disk: string | null = null;
    try {
      disk = readFileSync(this.file, 'utf8');
    } catch {
      /* deleted */
    }
    if (disk !== this.synced) return 'out-of-sync';
    return this.state;
  }

  /** Replace the definition with `src` (the source of just that definition) in the running program. */
  async patch(src: string): Promise<void> {
    const op = this.focus.kind === 'module' ? moduleOp(src, this.ts) : definitionOp(this.focus, src, this.ts, this.file);
    await this.apply(op);
  }

  /** Merge `src` into the module: it may add imports, helpers and statements, and redefine functions. */
  async patchModule(src: string): Promise<void> {
    await this.apply(moduleOp(src, this.ts));
  }

  private async apply(op: Op): Promise<void> {
    // (the op is applied to the version running when the patch is planned: a save may land before that)
    const r = await rt().applySource(this.file, op);
    if (!r.ok) {
      const e = r.error;
      if (e.line !== undefined && e.frame) e.message = `${e.message}\n${e.frame}`;
      throw e;
    }
    this.ops.push(op);
    this.state = 'live';
  }

  /** After the file changed on disk (out of sync): take the file as it is now and apply this recoder's
   * patches to it again, live. */
  async repatch(): Promise<void> {
    const ops = this.ops;
    this.synced = readFileSync(this.file, 'utf8');
    this.ops = [];
    this.state = 'saved';
    for (const op of ops) await this.apply(op);
  }

  /** Back to the file's text (the last commit, or what was there). */
  async revert(): Promise<void> {
    const disk = readFileSync(this.file, 'utf8');
    const r = await rt().applySource(this.file, disk);
    if (!r.ok) throw r.error;
    this.ops = [];
    this.synced = disk;
    this.state = 'saved';
  }

  /** Write the patched definition into the file, keeping the rest of it byte for byte. */
  commit(): void {
    let disk: string | null = null;
    try {
      disk = readFileSync(this.file, 'utf8');
    } catch {
      /* deleted */
    }
    if (disk !== this.synced) {
      throw new OutOfSyncError(
        `cannot commit ${this.name}: ${relative(process.cwd(), this.file) || this.file} changed on disk since this recoder read it (out of sync). Call revert() to start again from the file.`,
      );
    }
    let text = disk!;
    for (const op of this.ops) text = op(text);
    if (text !== disk) writeFileSync(this.file, text);
    this.synced = text;
    this.state = 'saved';
  }
}

/**
 * A Recoder for a function, a class, a method (`Class.prototype.m`) or a module (its namespace object,
 * or a file path / URL) that jurig instruments.
 */
export function makeRecoder(target: unknown): Recoder {
  const loc = locate(target);
  if (!loc) throw new Error(`makeRecoder: cannot find where ${describe(target)} is defined (is its file instrumented by jurig?)`);
  return new Recoder(loc);
}
