// `fn.toString()` shows the function as written: the guards and class registrations the loader inserted
// are cut out again. They all end in a marker (see compiler/instrument.ts), so this is exact.
import { ASI_GUARD, CELL_PREFIX, CELL_SLOT, CELL_TEST, EVAL_CODE, EXPR_END, GUARD_END, LIVE_FLAG, M, MODULE } from '../compiler/names.js';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
// a guard's test of its cell: `__jc3_k3f.p!==void 0`, after the live flag for definitions callable early
const TEST = `(?:${esc(LIVE_FLAG)}&&)?${CELL_PREFIX}\\w+?\\.${CELL_SLOT}!==void 0`;
const INSERTED = new RegExp(
  [
    `(?:${esc(ASI_GUARD)})?if\\(${TEST}\\)[\\s\\S]*?${esc(GUARD_END)}`, // statement guard
    `\\(${TEST}\\?[\\s\\S]*?:\\(${esc(GUARD_END)}`, // expression-arrow guard, opening
    `${esc(EXPR_END)}\\)\\)`, // expression-arrow guard, closing
    `static\\{${esc(`${MODULE}?.${M.classRegistered}(`)}"(?:[^"\\\\]|\\\\.)*",this(?:,${esc(`(${EVAL_CODE})=>eval(${EVAL_CODE})`)})?\\)\\}`, // class registration
  ].join('|'),
  'g',
);

// the function's own guard is the first one in its text (nested functions come after their parent's)

/**
 * patchedText(index, tag): the text of the definition a patch put in that cell, if any; classText(cls): the
 * text of a class as the running version has it (its methods patched since), if it is the live one.
 */
export function installToString(patchedText: (index: number, tag: string) => string | undefined, classText: (cls: Function) => string | undefined): void {
  const native = Function.prototype.toString;
  // (a method, so it has no prototype and is not a constructor, like the native one; named toString)
  const shim = {
    toString(this: Function): string {
      if (this === shim) return native.call(native);
      const s = native.call(this);
      if (!s.includes('jurig')) return s;
      if (s.startsWith('class')) return classText(this) ?? s.replace(INSERTED, ''); // (its first guard is a method's)
      const own = CELL_TEST.exec(s);
      const patched = own?.[2] ? patchedText(Number(own[1]), own[2]) : undefined;
      return patched ?? s.replace(INSERTED, '');
    },
  }.toString;
  Object.defineProperty(Function.prototype, 'toString', { value: shim, writable: true, enumerable: false, configurable: true });
}
