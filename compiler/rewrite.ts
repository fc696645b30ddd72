// The patch-time rewrite: a range of a new version of a module compiled to run outside its original scope
// (in the module's eval hook, or a class's): captured names read and written through the accessor
// `__jurig$s`, module-level names added after start through `__jurig$m.a`, nested definitions guarded with
// their cells, `this`/`super`/`new.target`/`arguments` kept. The load-time guards are compiler/instrument.ts.
import type { ClassInfo, Def, ModuleInfo, PrivateRef, Ref, ThisRef } from './analyze.js';
import { type AnyNode, type Identifier, type TopLevel, walk } from './ast.js';
import { Edits } from './edits.js';
import { classRegistration, inRange, insertGuard, type Layout, type NameCtx } from './instrument.js';
import { M, MODULE } from './names.js';

export interface CompileCtx {
  info: ModuleInfo;
  /** Is `name` a module-level binding of the running module (so eval can reach it)? */
  hasModuleBinding(name: string): boolean;
  /** Cell variable name and layout for a nested definition inside the compiled range. */
  nested(d: Def): { cell: string; layout: Layout };
  /** The key a class inside the compiled range registers its live object under. */
  classKey(c: ClassInfo): string;
  /** For a use of a private name that the live class does not have (a method or accessor a save added),
   * the key of that class; null for a real private name. */
  virtualPrivate?(ref: PrivateRef): string | null;
}

export class CannotApply extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

/**
 * Rewrites for code compiled from `range` of the new module text.
 * `captured`: the accessor layout names that the compiled code receives as `__jurig$s` (null: none).
 * `thisOwner`: start of the function whose `this` the range's arrows see from outside (arrow patches).
 */
export function rewriteRange(
  ctx: CompileCtx,
  start: number,
  end: number,
  opts: { captured: string[] | null; skipDef?: Def; skipRefs?: Set<Identifier>; thisOwnerOutside?: boolean; nativeThis?: boolean; ctorOwner?: number },
): Edits {
  const { info } = ctx;
  const edits = new Edits();
  const outside = (b: { scope: { start: number; end: number; foreign: boolean } }) => b.scope.foreign || b.scope.start < start || b.scope.end > end;
  const capIndex = (name: string) => (opts.captured ? opts.captured.indexOf(name) : -1);
  const names: NameCtx = {
    read: (n) => {
      const i = capIndex(n);
      return i >= 0 ? `__jurig$s(${2 * i})` : null;
    },
    write: (n, v) => {
      const i = capIndex(n);
      return i >= 0 ? `__jurig$s(${2 * i + 1},${v})` : null;
    },
  };
  const addedName = (n: string) => `${MODULE}.${M.added}[${JSON.stringify(n)}]`;

  // assignments and updates to captured names are rewritten whole
  const handled = new Set<Identifier>();
  const refOf = refIndex(info);
  const notCaptured = (name: string, pos: number) =>
    new CannotApply(`uses \`${name}\` from its enclosing function, which the running closures did not capture`, pos);
  // the accessor index of an identifier assigned in the range that names a captured variable, or -1
  const capturedWrite = (id: Identifier, pos: number): number => {
    const ref = refOf.get(id);
    if (!ref?.binding || ref.binding.scope.kind === 'module' || !outside(ref.binding)) return -1;
    const i = capIndex(ref.name);
    if (i < 0) throw notCaptured(ref.name, pos);
    handled.add(id);
    return i;
  };
  const walkWrites = (node: AnyNode) => {
    if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier') {
      const i = capturedWrite(node.left, node.start);
      if (i < 0) return;
      const op = node.operator;
      if (op === '=') edits.replace(node.left.start, node.right.start, `__jurig$s(${2 * i + 1},`);
      else if (op === '&&=' || op === '||=' || op === '??=')
        edits.replace(node.left.start, node.right.start, `(__jurig$s(${2 * i})${op.slice(0, -1)}__jurig$s(${2 * i + 1},`);
      else edits.replace(node.left.start, node.right.start, `__jurig$s(${2 * i + 1},__jurig$s(${2 * i})${op.slice(0, -1)}(`);
      edits.close(node.end, op === '=' ? ')' : '))', 0);
    } else if (node.type === 'UpdateExpression' && node.argument.type === 'Identifier') {
      const i = capturedWrite(node.argument, node.start);
      if (i < 0) return;
      const op = node.operator;
      const t = '__jurig$t';
      edits.replace(
        node.start,
        node.end,
        node.prefix
          ? `(${t}=__jurig$s(${2 * i}),__jurig$s(${2 * i + 1},${op}${t}))`
          : `(${t}=__jurig$s(${2 * i}),__jurig$s(${2 * i + 1},${op}${t}),${op === '++' ? '--' : '++'}${t})`,
      );
    }
  };
  for (const n of findNodeCovering(info.statements, start, end)) walk(n, walkWrites);

  for (const r of inRange(info.refs, start, end)) {
    if (handled.has(r.node) || r.decl || opts.skipRefs?.has(r.node)) continue;
    const b = r.binding;
    let text: string | null = null;
    if (!b) continue; // global
    if (b.scope.kind === 'module') {
      if (!ctx.hasModuleBinding(r.name)) text = addedName(r.name);
    } else if (outside(b)) {
      const i = capIndex(r.name);
      if (i < 0) throw notCaptured(r.name, r.node.start);
      if (r.write) throw new CannotApply(`destructures into \`${r.name}\` of its enclosing function`, r.node.start);
      text = `__jurig$s(${2 * i})`;
    }
    if (text === null) continue;
    if (isShorthand(info, r.node)) text = `${r.name}:${text}`;
    edits.replace(r.node.start, r.node.end, text);
  }

  for (const t of inRange(info.thisRefs, start, end)) {
    const fromOutside = t.owner < start || t.owner >= end;
    if (opts.ctorOwner !== undefined && t.owner === opts.ctorOwner) {
      if (t.kind === 'this') edits.replace(t.node.start, t.node.end, '__jurig$this');
      else if (t.kind === 'new.target') edits.replace(t.node.start, t.node.end, '__jurig$nt');
      else if (t.kind === 'super') {
        const call = superCallAt(info, t.node);
        if (!call) throw new CannotApply('a derived constructor that uses `super.` cannot be patched live', t.node.start);
        edits.replace(t.node.start, t.node.end, '__jurig$this=__jurig$super');
      }
      continue;
    }
    if (!fromOutside || !opts.thisOwnerOutside) continue;
    if (opts.nativeThis && (t.kind === 'this' || t.kind === 'super')) continue; // compiled as a method called with that `this`
    if (t.kind === 'this') edits.replace(t.node.start, t.node.end, '__jurig$this');
    else throw new CannotApply(`an arrow function that uses \`${t.kind}\` of its enclosing function cannot be patched live`, t.node.start);
  }
  for (const r of opts.thisOwnerOutside ? inRange(info.refs, start, end) : []) {
    // `arguments` seen by an arrow belongs to the enclosing function
    if (r.name !== 'arguments' || r.binding) continue;
    if (!insideNonArrow(info, r.node.start, start, end))
      throw new CannotApply('an arrow function that uses `arguments` of its enclosing function cannot be patched live', r.node.start);
  }
  for (const m of within(info.metaRefs, (m) => m.start, start, end)) if (m.end <= end) edits.replace(m.start, m.end, `${MODULE}.${M.meta}`);

  // private methods and accessors added to a running class live in a table of the module (ModuleRecord)
  for (const p of ctx.virtualPrivate ? inRange(info.privateRefs, start, end) : []) {
    const key = ctx.virtualPrivate!(p);
    if (key === null) continue;
    const k = JSON.stringify(key),
      name = JSON.stringify('#' + p.name);
    switch (p.role) {
      case 'call': {
        // o.#m(a) → __jurig$m.vp(K,"#m").call(o,a)
        const n = p.node,
          args = p.parent.arguments;
        edits.insert(n.object.start, `${MODULE}.${M.privateMethod}(${k},${name}).call(`, -1);
        edits.replace(n.object.end, args.length ? args[0].start : p.parent.end - 1, args.length ? ',' : '');
        break;
      }
      case 'get': {
        // o.#x → __jurig$m.vpg(K,"#x",o)
        const n = p.node;
        edits.insert(n.object.start, `${MODULE}.${M.privateGet}(${k},${name},`, -1);
        edits.replace(n.object.end, n.end, ')');
        break;
      }
      case 'set': {
        // o.#x = v → __jurig$m.vps(K,"#x",o,v)
        const n = p.node;
        edits.insert(n.object.start, `${MODULE}.${M.privateSet}(${k},${name},`, -1);
        edits.replace(n.object.end, p.parent.right.start, ',');
        edits.close(p.parent.end, ')', 0);
        break;
      }
      case 'in': {
        // #x in o → __jurig$m.vpin(K,o)
        const n = p.node;
        edits.replace(n.start, n.right.start, `${MODULE}.${M.privateIn}(${k},`);
        edits.close(n.end, ')', 0);
        break;
      }
      default:
        throw new CannotApply(
          `uses #${p.name}, a private member added by a save, in a way jurig cannot apply live (optional chaining, compound assignment, ++/--); restart to apply`,
          p.node.start,
        );
    }
  }

  // nested definitions get guards bound to their cells
  const depthOf = (d: Def) => {
    let n = 0;
    for (let p = d.parent; p; p = p.parent) n++;
    return n;
  };
  // (an arrow's guard passes the arrow's `this` on: in code compiled here that is `__jurig$this` when the
  // function that binds it is outside the range, as for the arrow's own uses of `this` above)
  const guardThis = (d: Def): string => {
    if (d.kind !== 'arrow') return 'this';
    let p = d.parent;
    while (p && p.kind === 'arrow') p = p.parent;
    const owner = p ? p.fn.start : -1;
    // a class between them binds `this` itself (a field, a static block), inside the range
    if (info.classes.some((c) => c.node.start > owner && c.node.start < d.fn.start && d.fn.end <= c.node.end)) return 'this';
    if (opts.ctorOwner !== undefined && owner === opts.ctorOwner) return '__jurig$this';
    return (owner < start || owner >= end) && opts.thisOwnerOutside && !opts.nativeThis ? '__jurig$this' : 'this';
  };
  for (const d of within(info.defs, (d) => d.fn.start, start, end)) {
    if (d === opts.skipDef || d.fn.end > end) continue;
    const { cell, layout } = ctx.nested(d);
    insertGuard(edits, d, cell, layout, names, depthOf(d), false, guardThis(d));
  }
  for (const c of within(info.classes, (c) => c.node.start, start, end))
    if (c.node.end <= end) edits.insert(c.bodyStart, classRegistration(ctx.classKey(c), c.hasPrivate));
  return edits;
}

const refIndexCache = new WeakMap<ModuleInfo, Map<Identifier, Ref>>();
// A patch compiles one range of a module; a save can compile thousands (each function of a big module):
// the definitions, classes and import.meta nodes of a range are found by binary search, not by a scan.
const sortedBy = new WeakMap<object, unknown[]>();
/** The items of `list` whose position `at` lies in [start, end), in position order. */
function within<T extends object>(list: T[], at: (x: T) => number, start: number, end: number): T[] {
  let sorted = sortedBy.get(list) as T[] | undefined;
  if (!sorted) sortedBy.set(list, (sorted = [...list].sort((a, b) => at(a) - at(b))));
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (at(sorted[m]) < start) lo = m + 1;
    else hi = m;
  }
  const out: T[] = [];
  for (let i = lo; i < sorted.length && at(sorted[i]) < end; i++) out.push(sorted[i]);
  return out;
}

function refIndex(info: ModuleInfo): Map<Identifier, Ref> {
  let m = refIndexCache.get(info);
  if (!m) {
    m = new Map(info.refs.map((r) => [r.node, r]));
    refIndexCache.set(info, m);
  }
  return m;
}

function insideNonArrow(info: ModuleInfo, pos: number, start: number, end: number): boolean {
  return info.defs.some((d) => d.kind !== 'arrow' && d.fn.start >= start && d.fn.end <= end && d.fn.start <= pos && pos < d.fn.end);
}

function superCallAt(info: ModuleInfo, superNode: ThisRef['node']): boolean {
  let found = false;
  for (const st of info.statements) {
    walk(st, (n) => {
      if (found || n.start > superNode.start || n.end < superNode.end) return false;
      if (n.type === 'CallExpression' && n.callee === superNode) found = true;
    });
  }
  return found;
}

const shorthandCache = new WeakMap<ModuleInfo, Set<AnyNode>>();
function isShorthand(info: ModuleInfo, id: Identifier): boolean {
  let set = shorthandCache.get(info);
  if (!set) {
    const s = (set = new Set());
    for (const st of info.statements)
      walk(st, (n) => {
        if (n.type === 'Property' && n.shorthand) s.add(n.value.type === 'AssignmentPattern' ? n.value.left : n.value);
      });
    shorthandCache.set(info, set);
  }
  return set.has(id);
}

/** The outermost nodes lying within [start, end). */
function findNodeCovering(statements: TopLevel[], start: number, end: number): AnyNode[] {
  const out: AnyNode[] = [];
  const visit = (n: AnyNode) => {
    if (n.start >= start && n.end <= end) {
      out.push(n);
      return false;
    }
    if (n.end <= start || n.start >= end) return false;
  };
  // a module's statements are in order: only those overlapping the range are walked (a patch of each of
  // 2,500 functions would otherwise walk past every statement for each)
  let lo = 0,
    hi = statements.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (statements[m].end <= start) lo = m + 1;
    else hi = m;
  }
  for (let i = lo; i < statements.length && statements[i].start < end; i++) walk(statements[i], visit);
  return out;
}
