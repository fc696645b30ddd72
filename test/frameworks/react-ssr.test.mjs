// JSX is instrumented and live: a React server-rendering app (react-dom/server renderToString) whose
// `.tsx` and `.jsx` components are edited while it serves, and the tsconfig JSX settings (automatic runtime
// with jsxImportSource and react-jsxdev; classic runtime with jsxFactory / jsxFragmentFactory, in a
// CommonJS `.tsx` file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { makeApp, jurig, httpGet, until, NODE } from '../helpers.mjs';

const T = `[node ${execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()}]`;
const noJurigErrors = (p) => assert.deepEqual(p.err.filter((l) => /jurig (error|warning)|internal error/.test(l)), []);

test(`${T} React SSR: .tsx and .jsx components edited while the server renders them`, async (t) => {
  const app = makeApp({
    'package.json': JSON.stringify({ type: 'module', private: true }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { jsx: 'react-jsx', target: 'es2022', module: 'nodenext', strict: true } }),
    'server.tsx': `import { createServer } from 'node:http';
import { renderToString } from 'react-dom/server';
import { App } from './components/App.js';

let renders = 0;
const server = createServer((req, res) => {
  renders++;
  res.end(req.url === '/renders' ? String(renders) : renderToString(<App items={['a', 'b']} />));
});
server.listen(0, '127.0.0.1', () => console.log('port ' + (server.address() as { port: number }).port));
`,
    'components/App.tsx': `import { Frame } from './Frame.jsx';

export function Greeting({ name }: { name: string }) {
  return <p>{name}</p>;
}

export function App({ items }: { items: string[] }) {
  return (
    <Frame>
      <Greeting name="world" />
      <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>
    </Frame>
  );
}
`,
    'components/Frame.jsx': `export function Frame({ children }) {
  return <main className="v1">{children}</main>;
}
`,
  }, { frameworks: true });
  const p = jurig(app, ['-v', 'server.tsx']);
  t.after(async () => { await p.kill(); app.cleanup(); });
  const port = Number((await p.waitFor(/^port \d+$/)).split(' ')[1]);
  const get = () => httpGet(`http://127.0.0.1:${port}/`);
  const becomes = (want) => until(async () => (await get()) === want, { what: `the page to be ${want}` });
  for (const f of ['server.tsx', 'components/App.tsx', 'components/Frame.jsx']) await p.waitFor(`Watch ${f}`, { stream: 'err' });
  assert.equal(await get(), '<main class="v1"><p>world</p><ul><li>a</li><li>b</li></ul></main>');

  // a body edit that needs a JSX helper the file does not import yet (jsxs: several children)
  app.edit('components/App.tsx', '<p>{name}</p>', '<p>Hello {name}</p>', 'save');
  await becomes('<main class="v1"><p>Hello <!-- -->world</p><ul><li>a</li><li>b</li></ul></main>');
  await p.waitFor(/^Update components\/App\.tsx:Greeting$/, { stream: 'err' });
  // a body edit with the helpers it already has
  app.edit('components/App.tsx', '<p>Hello {name}</p>', '<p>Hi {name}</p>');
  await becomes('<main class="v1"><p>Hi <!-- -->world</p><ul><li>a</li><li>b</li></ul></main>');
  // a fragment, and a new component used by an edited one
  app.edit('components/App.tsx', 'export function App(', 'function Count({ n }: { n: number }) {\n  return <>{n} items</>;\n}\n\nexport function App(');
  app.edit('components/App.tsx', '<ul>{items', '<Count n={items.length} />\n      <ul>{items');
  await becomes('<main class="v1"><p>Hi <!-- -->world</p>2<!-- --> items<ul><li>a</li><li>b</li></ul></main>');
  // the .jsx component
  app.edit('components/Frame.jsx', 'className="v1"', 'className="v2" id="frame"');
  await becomes('<main class="v2" id="frame"><p>Hi <!-- -->world</p>2<!-- --> items<ul><li>a</li><li>b</li></ul></main>');
  // the server kept its state through every edit
  assert.ok(Number(await httpGet(`http://127.0.0.1:${port}/renders`)) > 5);
  noJurigErrors(p);
});

test(`${T} JSX settings from tsconfig: classic jsxFactory / jsxFragmentFactory in a CommonJS .tsx file`, async (t) => {
  const app = makeApp({
    'package.json': JSON.stringify({ private: true }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { jsx: 'react', jsxFactory: 'h', jsxFragmentFactory: 'Frag', strict: true } }),
    'h.cjs': `exports.h = (tag, props, ...kids) => (typeof tag === 'function' ? tag({ ...props, children: kids }) : '<' + tag + '>' + kids.flat().join('') + '</' + tag + '>');
exports.Frag = 'frag';
`,
    'view.tsx': `const { h, Frag } = require('./h.cjs');
function Row({ label }: { label: string }) {
  return <td>{label}</td>;
}
function view(): string {
  return <tr><Row label="one" /></tr>;
}
module.exports = { view };
`,
    'main.cjs': `const { view } = require('./view.tsx');
process.stdin.on('data', () => console.log(view()));
console.log('ready');
`,
  }, { frameworks: true });
  const p = jurig(app, ['-v', 'main.cjs']);
  t.after(async () => { await p.kill(); app.cleanup(); });
  await p.waitFor('ready');
  await p.waitFor('Watch view.tsx', { stream: 'err' });
  assert.equal(await p.ask('x'), '<tr><td>one</td></tr>');
  app.edit('view.tsx', '<td>{label}</td>', '<th>{label}!</th>');
  await p.askUntil('x', (l) => l === '<tr><th>one!</th></tr>');
  app.edit('view.tsx', '<tr><Row label="one" /></tr>', '<tr><><Row label="one" /><Row label="two" /></></tr>');
  await p.askUntil('x', (l) => l === '<tr><frag><th>one!</th><th>two!</th></frag></tr>');
  noJurigErrors(p);
});

test(`${T} JSX settings from tsconfig: automatic runtime from jsxImportSource, react-jsxdev`, async (t) => {
  // a JSX runtime package of the app's own, to see that jsxImportSource and the dev runtime are used
  const runtime = (fn) => `export const Fragment = 'frag';
export function ${fn}(tag, props) {
  const kids = [].concat(props.children ?? []).join('');
  return typeof tag === 'function' ? tag(props) : '<' + tag + '>' + kids + '</' + tag + '>';
}
`;
  const app = makeApp({
    'package.json': JSON.stringify({ type: 'module', private: true }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { jsx: 'react-jsxdev', jsxImportSource: 'tiny', strict: true } }),
    'node_modules/tiny/package.json': JSON.stringify({ name: 'tiny', type: 'module', exports: { './jsx-runtime': './rt.js', './jsx-dev-runtime': './dev.js' } }),
    'node_modules/tiny/rt.js': runtime('jsx') + 'export const jsxs = jsx;\n',
    'node_modules/tiny/dev.js': runtime('jsxDEV').replace('(tag, props)', '(tag, props, key, isStatic, source) {\n  globalThis.lastSource = source;\n  return render(tag, props);\n}\nfunction render(tag, props)'),
    'main.tsx': `export function Item({ n }: { n: number }) {
  return <b>{n}</b>;
}
process.stdin.on('data', () => console.log(<i><Item n={1} /></i>, (globalThis as any).lastSource?.lineNumber));
console.log('ready');
`,
  });
  const p = jurig(app, ['-v', 'main.tsx']);
  t.after(async () => { await p.kill(); app.cleanup(); });
  await p.waitFor('ready');
  assert.equal(await p.ask('x'), '<i><b>1</b></i> 4');
  app.edit('main.tsx', '<b>{n}</b>', '<u>{n}</u>');
  await p.askUntil('x', (l) => l === '<i><u>1</u></i> 4');
  noJurigErrors(p);
});

test(`${T} CommonJS .jsx with the automatic runtime: react/jsx-runtime is required, the component is live`, async (t) => {
  const app = makeApp({
    'package.json': JSON.stringify({ private: true }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { jsx: 'react-jsx', allowJs: true } }),
    'view.jsx': `const { renderToString } = require('react-dom/server');
function Item({ n }) {
  return <li>{n}</li>;
}
function page() {
  return renderToString(<ul><Item n={1} /><Item n={2} /></ul>);
}
module.exports = { page };
`,
    'main.cjs': `const view = require('./view.jsx');
process.stdin.on('data', () => console.log(view.page()));
console.log('ready');
`,
  }, { frameworks: true });
  const p = jurig(app, ['-v', 'main.cjs']);
  t.after(async () => { await p.kill(); app.cleanup(); });
  await p.waitFor('ready');
  await p.waitFor('Watch view.jsx', { stream: 'err' });
  assert.equal(await p.ask('x'), '<ul><li>1</li><li>2</li></ul>');
  app.edit('view.jsx', '<li>{n}</li>', '<li className="n">#{n}</li>');
  await p.askUntil('x', (l) => l === '<ul><li class="n">#<!-- -->1</li><li class="n">#<!-- -->2</li></ul>');
  noJurigErrors(p);
});
