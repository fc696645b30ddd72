// Where the lines of an old version of a file are now: common prefix and suffix, and an LCS of what is
// left when that is small. Used to keep stack traces of unchanged code on the lines it has now.
export type LineShift = (line: number) => number | null;

const MAX_MIDDLE = 1500; // lines: above this the changed middle is left unmapped

export function lineShift(oldText: string, newText: string): LineShift | null {
  if (oldText === newText) return null;
  const a = oldText.split(/\r?\n/),
    b = newText.split(/\r?\n/);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const n = a.length - pre - suf,
    m = b.length - pre - suf;
  const mid = new Map<number, number>(); // old index → new index, 0-based, inside the middle
  if (n > 0 && m > 0 && n <= MAX_MIDDLE && m <= MAX_MIDDLE) {
    // LCS by dynamic programming over the middle only
    const w = m + 1;
    const dp = new Uint16Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        dp[i * w + j] = a[pre + i] === b[pre + j] ? dp[(i + 1) * w + j + 1] + 1 : Math.max(dp[(i + 1) * w + j], dp[i * w + j + 1]);
    for (let i = 0, j = 0; i < n && j < m; ) {
      if (a[pre + i] === b[pre + j]) {
        mid.set(i, j);
        i++;
        j++;
      } else if (dp[(i + 1) * w + j] >= dp[i * w + j + 1]) i++;
      else j++;
    }
  }
  const delta = b.length - a.length;
  return (line: number) => {
    const i = line - 1;
    if (i < pre) return line;
    if (i >= a.length - suf) return line + delta;
    const j = mid.get(i - pre);
    return j === undefined ? null : pre + j + 1;
  };
}
