// A guard in front of SWC. SWC parses recursively on the calling thread's native stack and does not check
// its depth: a text nested deeply enough (8,000 `[`, a 20,000-branch `else if` chain) overflows that stack
// and the process dies with SIGSEGV, where Node's own parser throws a RangeError. This scan estimates, in
// one pass and without recursion, how much stack SWC would need, and refuses the text when that is more
// than half of what the thread has.
//
// Measured on x64 Linux, @swc/core 1.16, Node 20.20 and 24 (same figures), by the nesting at which
// transformSync and parseSync crash, with an 8 MB main-thread stack / a 4 MB worker (and the Node 20 hooks
// thread) / 1, 2 and 16 MB workers (linear in the stack size):
//   nested generics `A<A<…>>` 2,848 / 1,408   parentheses 2,976 / 1,472   nested arrows `() => () => …` 3,136
//   `function f() {` nested 3,264             blocks, `${`, objects 4,224–4,416   arrays 4,928 / 2,432
//   calls `f(f(…))` 5,888                     `else if` links 17,408 / 8,704      ternaries `a ? 1 : …` 23,808
//   unary `!!!…` 26,112                       member chain `.b.b…` 27,648         binary `1 + 1 + …` 58,368
// i.e. up to ~3.1 KB of stack per bracket, generic or arrow level, ~0.52 KB per `else if` link, ~0.36 KB
// per ternary, member access or prefix operator and ~0.15 KB per binary operator of one expression. The
// costs below are those worst cases; the budget is half the stack.
import { isMainThread, resourceLimits } from 'node:worker_threads';
import { readFileSync } from 'node:fs';

const LEVEL = 3100; // a bracket, a generic's `<`, an arrow's body
const ELSE_IF = 520;
const UNARY = 360; // `?`, `.`, `!`, `~`, a prefix `-`/`+`
const BINARY = 160;

let stackBytes: number | null = null;
/** The stack of the thread this runs on: a worker's `stackSizeMb`, the process's stack limit on the main
 * thread (Linux: /proc/self/limits; elsewhere the platform's usual main-thread stack). */
export function threadStack(): number {
  if (stackBytes !== null) return stackBytes;
  if (!isMainThread) return (stackBytes = (resourceLimits.stackSizeMb || 4) * 2 ** 20);
  let bytes = process.platform === 'win32' ? 2 ** 20 : 8 * 2 ** 20;
  if (process.platform === 'linux') {
    try {
      const m = /^Max stack size\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
      if (m && m[1] !== 'unlimited') bytes = Number(m[1]);
    } catch {
      /* the usual 8 MB */
    }
  }
  return (stackBytes = bytes);
}

export interface TooDeep {
  message: string;
  line: number;
  column: number;
}

// per open bracket: the stack its expression chains need (operators, arrows, generics) and its `else if` links
interface Level {
  closer: number;
  template: boolean;
  chain: number;
  ops: number;
  angles: number;
  elseIf: number;
}

const isId = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;
const OPERATOR_CHARS = new Set([...'+-*/%&|^!~<>=?:.'].map((c) => c.charCodeAt(0)));
// words after which a `/` starts a regular expression, and words that start a statement
const REGEX_AFTER = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);
const STATEMENT_START = new Set([
  'const',
  'let',
  'var',
  'function',
  'class',
  'export',
  'import',
  'return',
  'type',
  'interface',
  'enum',
  'for',
  'while',
  'switch',
  'throw',
  'try',
]);

/**
 * Null when SWC can take `text` on a thread with `stack` bytes of stack; else where and why not.
 * `typescript`: count `A<B<…>>` as nesting.
 */
export function tooDeep(text: string, typescript: boolean, stack = threadStack()): TooDeep | null {
  const budget = stack / 2;
  const levels: Level[] = [{ closer: -1, template: false, chain: 0, ops: 0, angles: 0, elseIf: 0 }];
  let cost = 0; // the estimate at this point: the sum over the open levels
  let top = levels[0];
  let prevWord = '',
    prevSignificant = 0,
    newline = false;
  let i = 0;
  const n = text.length;
  const levelCost = (l: Level) => LEVEL + l.chain + l.elseIf * ELSE_IF;
  const resetChains = () => {
    cost -= top.chain;
    top.chain = top.ops = top.angles = 0;
  };
  const chain = (bytes: number) => {
    top.chain += bytes;
    cost += bytes;
  };
  const check = (): TooDeep | null => {
    if (cost <= budget) return null;
    const before = text.slice(0, i);
    const line = before.split('\n').length,
      column = i - before.lastIndexOf('\n');
    // what takes most of the stack here: an `else if` chain, one long expression, or nesting
    const elseIfs = levels.reduce((s, l) => s + l.elseIf, 0),
      ops = levels.reduce((s, l) => s + l.ops, 0);
    const chains = levels.reduce((s, l) => s + l.chain, 0);
    const depth = levels.length - 1 + Math.round(chains / LEVEL);
    const why =
      elseIfs * ELSE_IF > budget / 2
        ? `an \`else if\` chain of ${elseIfs} links`
        : ops * BINARY > budget / 2
          ? `an expression of ${ops} chained operators`
          : `about ${depth} levels of nested brackets, generics or arrow functions`;
    return {
      line,
      column,
      message: `this text is nested too deeply to compile safely: ${why} here, more than this thread's stack allows (SWC would overflow it and crash the process)`,
    };
  };
  const push = (closer: number, template: boolean) => {
    levels.push((top = { closer, template, chain: 0, ops: 0, angles: 0, elseIf: 0 }));
    cost += LEVEL;
  };
  // scan template text from i (after a backtick or a `}` closing a substitution) to its end or next `${`
  const templateText = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 92) {
        i += 2;
        continue;
      }
      if (c === 96) {
        i++;
        return;
      }
      if (c === 36 && text.charCodeAt(i + 1) === 123) {
        i += 2;
        push(125, true);
        return;
      }
      i++;
    }
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      newline = true;
      i++;
      continue;
    }
    if (c <= 32) {
      i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const e = text.indexOf('\n', i);
      i = e === -1 ? n : e;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const e = text.indexOf('*/', i + 2);
      if (e === -1) break;
      if (text.lastIndexOf('\n', e) > i) newline = true;
      i = e + 2;
      continue;
    }
    // a new line that neither ends nor begins with an operator starts a new statement (ASI): the
    // operator chains of this level end there
    if (newline) {
      newline = false;
      if (!OPERATOR_CHARS.has(prevSignificant) && prevSignificant !== 40 && prevSignificant !== 91 && prevSignificant !== 44 && !OPERATOR_CHARS.has(c))
        resetChains();
    }
    if (c === 39 || c === 34) {
      // a string: ends at its quote or, unterminated, at the line's end
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) {
          i += 2;
          continue;
        }
        i++;
        if (d === c || d === 10) break;
      }
      prevSignificant = c;
      prevWord = '';
      continue;
    }
    if (c === 96) {
      i++;
      templateText();
      prevSignificant = 96;
      prevWord = '';
      const e = check();
      if (e) return e;
      continue;
    }
    if (isId(c)) {
      const s = i;
      while (i < n && isId(text.charCodeAt(i))) i++;
      const word = text.slice(s, i);
      if (word === 'if') {
        if (prevWord === 'else') {
          top.elseIf++;
          cost += ELSE_IF;
          const e = check();
          if (e) return e;
        } else {
          cost -= top.elseIf * ELSE_IF;
          top.elseIf = 0;
        }
      } else if (STATEMENT_START.has(word) && prevWord !== '.') resetChains();
      prevWord = word;
      prevSignificant = 97;
      continue;
    }
    // a regular expression where an operand is expected
    if (
      c === 47 &&
      (prevSignificant === 0 ||
        (prevSignificant !== 97 &&
          prevSignificant !== 41 &&
          prevSignificant !== 93 &&
          prevSignificant !== 125 &&
          prevSignificant !== 39 &&
          prevSignificant !== 34 &&
          prevSignificant !== 96) ||
        REGEX_AFTER.has(prevWord))
    ) {
      i++;
      let cls = false;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) {
          i += 2;
          continue;
        }
        i++;
        if (d === 10) break;
        if (d === 91) cls = true;
        else if (d === 93) cls = false;
        else if (d === 47 && !cls) break;
      }
      while (i < n && isId(text.charCodeAt(i))) i++;
      prevSignificant = 39;
      prevWord = '';
      continue;
    }
    prevWord = c === 46 ? '.' : '';
    i++;
    if (c === 40 || c === 91 || c === 123) {
      push(c === 40 ? 41 : c === 91 ? 93 : 125, false);
    } else if (c === 41 || c === 93 || c === 125) {
      // close up to the matching level (a stray closer closes nothing)
      let k = levels.length - 1;
      while (k > 0 && levels[k].closer !== c) k--;
      if (k > 0) {
        const wasTemplate = levels[k].template;
        while (levels.length > k) {
          cost -= levelCost(levels.pop()!);
        }
        top = levels[levels.length - 1];
        if (wasTemplate) {
          templateText();
          prevSignificant = 96;
          continue;
        }
      }
    } else if (c === 59 || c === 44) {
      resetChains();
    } else if (c === 61 && text.charCodeAt(i) === 62) {
      i++;
      chain(LEVEL); // an arrow's body
    } else if (c === 60 && typescript && prevSignificant === 97 && isId(text.charCodeAt(i - 2))) {
      top.angles++;
      chain(LEVEL); // `Name<`: a type argument list
    } else if (c === 62 && top.angles > 0) {
      top.angles--;
      chain(-LEVEL);
    } else if (c === 33 || c === 126) {
      if (c === 33) while (text.charCodeAt(i) === 61) i++; // `!=`, `!==`
      top.ops++;
      chain(UNARY);
    } else if (c === 63 || c === 46) {
      if (c === 63 && text.charCodeAt(i) === 46) i++; // `?.`
      top.ops++;
      chain(UNARY);
    } else if (OPERATOR_CHARS.has(c) && c !== 58) {
      // one operator (`===`, `>>>=`, `&&`), prefix where an operand is expected
      const prefix =
        (c === 45 || c === 43) &&
        (prevSignificant === 0 ||
          OPERATOR_CHARS.has(prevSignificant) ||
          prevSignificant === 40 ||
          prevSignificant === 91 ||
          prevSignificant === 44 ||
          prevSignificant === 123);
      while (
        i < n &&
        OPERATOR_CHARS.has(text.charCodeAt(i)) &&
        !(
          text.charCodeAt(i) === 33 ||
          text.charCodeAt(i) === 126 ||
          text.charCodeAt(i) === 58 ||
          text.charCodeAt(i) === 46 ||
          ((text.charCodeAt(i) === 45 || text.charCodeAt(i) === 43) && text.charCodeAt(i) !== c)
        )
      )
        i++;
      top.ops++;
      chain(prefix ? UNARY : BINARY);
    }
    prevSignificant = c;
    const e = check();
    if (e) return e;
  }
  return null;
}
