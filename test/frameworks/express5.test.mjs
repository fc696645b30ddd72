// An Express 5 app written as ES modules in TypeScript: a handler edit, a changed exported constant, an
// added route and an added middleware, live while it serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { makeApp, jurig, httpGet, until, NODE } from '../helpers.mjs';

const T = `[node ${execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()}]`;

test(`${T} Express 5, ES modules in TypeScript: edits are live`, async (t) => {
  const app = makeApp({
    'package.json': JSON.stringify({ type: 'module', private: true }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', strict: true } }),
    'server.ts': `import express, { type Request, type Response } from 'express';
import { router } from './routes.js';

const app = express();
app.use(router);
const server = app.listen(0, '127.0.0.1', () => console.log('port ' + (server.address() as { port: number }).port));
`,
    'routes.ts': `import { Router, type Request, type Response } from 'express';
import { PRICE } from './prices.js';

interface Order { id: number; qty: number }
const orders: Order[] = [];
export const router = Router();

export function total(o: Order): number {
  return o.qty * PRICE;
}
router.get('/order/:qty', (req: Request<{ qty: string }>, res: Response) => {
  const o: Order = { id: orders.length + 1, qty: Number(req.params.qty) };
  orders.push(o);
  res.json({ id: o.id, total: total(o) });
});
`,
    'prices.ts': `export const PRICE = 10;
`,
  }, { frameworks: true });
  const p = jurig(app, ['-v', 'server.ts']);
  t.after(async () => { await p.kill(); app.cleanup(); });
  const port = Number((await p.waitFor(/^port \d+$/)).split(' ')[1]);
  const get = (path) => httpGet(`http://127.0.0.1:${port}${path}`);
  const json = async (path) => JSON.parse(await get(path));

  assert.deepEqual(await json('/order/2'), { id: 1, total: 20 });
  // a handler edit (the function the route calls)
  app.edit('routes.ts', 'return o.qty * PRICE;', 'return o.qty * PRICE + 1;', 'save');
  await until(async () => (await json('/order/2')).total === 21, { what: 'the new total' });
  await p.waitFor(/^Update routes\.ts:total$/, { stream: 'err' });
  // a changed exported constant: the importer reads the new value (live binding)
  app.edit('prices.ts', 'export const PRICE = 10;', 'export const PRICE = 100;');
  await until(async () => (await json('/order/2')).total === 201, { what: 'the new price' });
  // an added route; the orders array kept its entries
  app.write('routes.ts', app.read('routes.ts') + `router.get('/count', (req: Request, res: Response) => {
  res.json({ count: orders.length });
});
`);
  const count = await until(async () => { try { return (await json('/count')).count; } catch { return 0; } }, { what: 'GET /count' });
  assert.ok(count >= 3, `orders kept: ${count}`);
  assert.equal((await json('/order/1')).id, count + 1);
  assert.deepEqual(p.err.filter((l) => /jurig (error|warning)|internal error/.test(l)), []);
});
