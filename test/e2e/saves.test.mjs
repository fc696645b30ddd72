// Issue 2: an HTTP handler edited while the server keeps its port; editor-style saves; a syntax error
// followed by a fix; the script's arguments and exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig, nodeRegister, until, httpGet } from '../helpers.mjs';

test('an HTTP handler is edited while the server keeps its port and state', async () => {
  const app = makeApp({
    'server.ts': `
import { createServer } from 'node:http';
let hits = 0;
function handle(url: string): string {
  return 'v1 ' + url;
}
const server = createServer((req, res) => { hits++; res.end(handle(req.url!) + ' hits=' + hits); });
server.listen(0, () => console.log('port ' + (server.address() as any).port));
`,
  });
  const p = jurig(app, ['server.ts']);
  try {
    const port = (await p.waitFor(/^port \d+/)).split(' ')[1];
    const get = () => httpGet(`http://127.0.0.1:${port}/x`);
    assert.equal(await get(), 'v1 /x hits=1');
    app.edit('server.ts', "'v1 ' + url", "'v2 ' + url.toUpperCase()");
    const answer = await until(async () => { const t = await get(); return t.startsWith('v2') && t; });
    assert.match(answer, /^v2 \/X hits=\d+$/);
    assert.ok(Number(answer.split('=')[1]) > 1, 'state (hits) kept');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

const LOOP_APP = `
export function answer(): string {
  return 'one';
}
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(answer()); });
`;

test('editor-style saves (temp file + rename) twice in a row are both applied', async () => {
  const app = makeApp({ 'app.ts': LOOP_APP });
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    app.edit('app.ts', "'one'", "'two'", 'save');
    await p.askUntil('?', (l) => l === 'two');
    app.edit('app.ts', "'two'", "'three'", 'save');
    await p.askUntil('?', (l) => l === 'three');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('a save with a syntax error changes nothing and is reported; the fix applies', async () => {
  const app = makeApp({ 'app.ts': LOOP_APP });
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    app.edit('app.ts', "return 'one';", "return 'broken' +;");
    const err = await p.waitFor(/jurig error app\.ts:3:\d+/, { stream: 'err' });
    assert.match(err, /nothing was changed/);
    await p.waitFor((l) => l.includes('> 3 |') && l.includes("'broken' +"), { stream: 'err' }); // code frame
    assert.equal(await p.ask('?'), 'one', 'old code keeps running');
    app.edit('app.ts', "return 'broken' +;", "return 'fixed';");
    await p.askUntil('?', (l) => l === 'fixed');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('a syntax error in a JavaScript file reports file:line:col too', async () => {
  const app = makeApp({ 'app.mjs': LOOP_APP.replace('(): string', '()') });
  const p = jurig(app, ['app.mjs']);
  try {
    assert.equal(await p.ask('?'), 'one');
    app.edit('app.mjs', "return 'one';", "return 'x' +;");
    await p.waitFor(/jurig error app\.mjs:3:\d+: Unexpected token/, { stream: 'err' });
    app.edit('app.mjs', "return 'x' +;", "return 'y';");
    await p.askUntil('?', (l) => l === 'y');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('arguments reach process.argv and the exit code is passed on (jurig and node --import)', async () => {
  const app = makeApp({ 'exit.ts': `console.log(JSON.stringify(process.argv.slice(2))); process.exitCode = Number(process.argv[2]);` });
  for (const run of [(a) => jurig(app, ['exit.ts', ...a]), (a) => nodeRegister(app, ['exit.ts', ...a])]) {
    const p = run(['3', '--flag', '-v']);
    assert.equal(await p.waitFor(/^\[/), '["3","--flag","-v"]');
    assert.deepEqual(await p.exited, { code: 3, signal: null });
  }
  app.cleanup();
});

test('a script that throws at start exits non-zero with its own error', async () => {
  const app = makeApp({ 'boom.ts': `function boom(): never {\n  throw new Error('kaboom');\n}\nboom();\n` });
  const p = jurig(app, ['boom.ts']);
  const { code } = await p.exited;
  assert.equal(code, 1);
  assert.ok(p.err.some((l) => l.includes('kaboom')));
  assert.ok(p.err.some((l) => l.includes('boom.ts:2')), 'stack points at the user line:\n' + p.err.join('\n'));
  app.cleanup();
});
