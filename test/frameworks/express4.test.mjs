// An Express 4 app written in plain CommonJS (no "type" in package.json, `.js` files, require chains and
// a JSON require, which crashed Node 20 at start), live on every Node line: a handler edit, a changed
// constant, an added route, `exports.x` / `module.exports` rebinding and an added require().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig, nodeRegister, httpGet, until, NODE } from '../helpers.mjs';
import { execFileSync } from 'node:child_process';

const T = `[node ${execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()}]`;

const FILES = {
  'package.json': JSON.stringify({ name: 'express4-app', private: true }),
  'config.json': JSON.stringify({ name: 'world' }),
  'extra.json': JSON.stringify({ note: 'from extra.json' }),
  'server.js': `'use strict';
const express = require('express4');
const path = require('node:path');
const routes = require('./routes');
const app = express();
app.use(routes);
const server = app.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port + ' ' + path.basename(__filename)));
`,
  'routes.js': `const express = require('express4');
const config = require('./config.json');
const util = require('./util');
const router = express.Router();
const GREETING = 'hello';
let hits = 0;

function hello(req, res) {
  hits++;
  res.send(GREETING + ' ' + config.name);
}
router.get('/hello', hello);
router.get('/fmt', (req, res) => res.send(require('./util').fmt('x') + ' ' + util.fmt('y')));
router.get('/meta', (req, res) => res.send('v' + require('./meta').version));
router.get('/hits', (req, res) => res.send(String(hits)));
module.exports = router;
`,
  'util.js': `exports.fmt = function (s) {
  return '[' + s + ']';
};
`,
  'meta.js': `module.exports = { version: 1 };
`,
};

for (const [how, start] of [
  ['jurig CLI', (app) => jurig(app, ['-v', 'server.js'])],
  ['node --import jurig/register', (app) => nodeRegister(app, ['server.js'], { env: { JURIG_OPTIONS: JSON.stringify({ verbose: true }) } })],
]) {
  test(`${T} Express 4, plain CommonJS with a JSON require, under ${how}: edits are live`, async (t) => {
    const app = makeApp(FILES, { frameworks: true });
    const p = start(app);
    t.after(async () => { await p.kill(); app.cleanup(); });
    const port = Number((await p.waitFor(/^port \d+ server\.js$/)).split(' ')[1]);
    const get = (path) => httpGet(`http://127.0.0.1:${port}${path}`);
    const becomes = (path, want) => until(async () => (await get(path)) === want, { what: `GET ${path} → ${want}` });

    // every CommonJS file of the app is watched; the JSON file and express are not instrumented
    for (const f of ['server.js', 'routes.js', 'util.js']) await p.waitFor(`Watch ${f}`, { stream: 'err' });
    assert.equal(await get('/hello'), 'hello world');
    assert.equal(await get('/fmt'), '[x] [y]');
    assert.equal(await get('/meta'), 'v1');
    await p.waitFor('Watch meta.js', { stream: 'err' });

    // a handler edit: the router holds the function, the new body runs
    app.edit('routes.js', `res.send(GREETING + ' ' + config.name);`, `res.send(GREETING + ', dear ' + config.name);`, 'save');
    await becomes('/hello', 'hello, dear world');
    await p.waitFor(/^Update routes\.js:hello$/, { stream: 'err' });

    // a changed constant: the handler reads the new value; `hits` (module state) is kept
    const hitsBefore = Number(await get('/hits'));
    assert.ok(hitsBefore >= 2);
    app.edit('routes.js', `const GREETING = 'hello';`, `const GREETING = 'howdy';`);
    await becomes('/hello', 'howdy, dear world');
    assert.ok(Number(await get('/hits')) > hitsBefore);

    // an added route, and an added require() of a JSON file inside it
    app.edit('routes.js', `module.exports = router;`, `router.get('/bye', (req, res) => res.send('bye ' + require('./extra.json').note));\nmodule.exports = router;`);
    await becomes('/bye', 'bye from extra.json');
    assert.equal(await get('/hello'), 'howdy, dear world');

    // exports.fmt's function is patched in place: seen through require() at call time and through the
    // reference taken at start
    app.edit('util.js', `return '[' + s + ']';`, `return '<' + s + '>';`);
    await becomes('/fmt', '<x> <y>');

    // module.exports rebound by a re-run statement: require('./meta') at call time sees the new object
    app.edit('meta.js', `module.exports = { version: 1 };`, `module.exports = { version: 2 };`);
    await becomes('/meta', 'v2');

    assert.deepEqual(p.err.filter((l) => /jurig (error|warning)/.test(l)), []);
  });
}
