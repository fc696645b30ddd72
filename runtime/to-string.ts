// `fn.toString()` shows the function as written: the guards and class registrations the loader inserted
// are cut out again. They all end in a marker (see loader/transform/instrument.ts), so this is exact.
import { ASI_GUARD, CELL_TEST, EXPR_END, GUARD_END } from '../loader/transform/markers.js';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const INSERTED = new RegExp(
  [
    `(?:${esc(ASI_GUARD)})?if\\((?:__jurig\\$live&&)?__jc\\w+?\\.p!==void 0\\)[\\s\\S]*?${esc(GUARD_END)}`, // statement guard
    `\\((?:__jurig\\$live&&)?__jc\\w+?\\.p!==void 0\\?[\\s\\S]*?:\\(${esc(GUARD_END)}`, // expression-arrow guard, opening
    `${esc(EXPR_END)}\\)\\)`, // expression-arrow guard, closing
    `static\\{__jurig\\$m\\?\\.k\\("(?:[^"\\\\]|\\\\.)*",this(?:,\\(__jurig\\$code\\)=>eval\\(__jurig\\$code\\))?\\)\\}`, // class registration
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
  const toString = {
    toString(this: Function): string {
      if (this === toString) return native.call(native);
      const s = native.call(this);
      if (!s.includes('jurig')) return s;
      if (s.startsWith('class')) return classText(this) ?? s.replace(INSERTED, ''); // (its first guard is a method's)
      const own = CELL_TEST.exec(s);
      const patched = own?.[2] ? patchedText(Number(own[1]), own[2]) : undefined;
      return patched ?? s.replace(INSERTED, '');
    },
  }.toString;
  Object.defineProperty(Function.prototype, 'toString', { value: toString, writable: true, enumerable: false, configurable: true });
}
