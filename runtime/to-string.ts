// `fn.toString()` shows the function as written: the guards and class registrations the loader inserted
// are cut out again. They all end in a marker (see loader/transform/instrument.ts), so this is exact.
import { EXPR_END, GUARD_END } from '../loader/transform/instrument.js';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const INSERTED = new RegExp(
  [
    `if\\(__jc\\d+\\??\\.p!==void 0\\)return [\\s\\S]*?${esc(GUARD_END)}`, // statement guard
    `\\(__jc\\d+\\??\\.p!==void 0\\?[\\s\\S]*?:\\(${esc(GUARD_END)}`, // expression-arrow guard, opening
    `${esc(EXPR_END)}\\)\\)`, // expression-arrow guard, closing
    `static\\{__jurig\\$m\\.k\\("(?:[^"\\\\]|\\\\.)*",this(?:,\\(__jurig\\$code\\)=>eval\\(__jurig\\$code\\))?\\)\\}`, // class registration
  ].join('|'),
  'g',
);

export function installToString(): void {
  const native = Function.prototype.toString;
  const toString = {
    toString(this: Function): string {
      if (this === toString) return native.call(native);
      const s = native.call(this);
      return s.includes('jurig') ? s.replace(INSERTED, '') : s;
    },
  }.toString;
  Object.defineProperty(Function.prototype, 'toString', { value: toString, writable: true, enumerable: false, configurable: true });
}
