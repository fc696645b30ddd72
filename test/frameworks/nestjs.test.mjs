// A NestJS app as `nest new` lays it out (no "type" in package.json, tsconfig module commonjs,
// extensionless imports; NestFactory with @nestjs/platform-express): legacy decorators with
// emitDecoratorMetadata, the services resolved through Nest's dependency injection (constructor parameter
// types), a service method edited while it serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { makeApp, jurig, httpGet, until, NODE } from '../helpers.mjs';

const T = `[node ${execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()}]`;

test(`${T} NestJS: decorated services through DI, a service method edit is live`, async (t) => {
  const app = makeApp({
    'package.json': JSON.stringify({ name: 'nest-app', private: true }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2021', module: 'commonjs', experimentalDecorators: true, emitDecoratorMetadata: true, strict: true } }),
    'main.ts': `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  console.log('port ' + app.getHttpServer().address().port);
}
bootstrap();
`,
    'app.module.ts': `import { Module } from '@nestjs/common';
import { CartController } from './cart.controller';
import { CartService, PriceService } from './cart.service';

@Module({ controllers: [CartController], providers: [PriceService, CartService] })
export class AppModule {}
`,
    'cart.service.ts': `import { Injectable } from '@nestjs/common';

@Injectable()
export class PriceService {
  rate(): number {
    return 2;
  }
}

@Injectable()
export class CartService {
  private served = 0;
  constructor(private readonly prices: PriceService) {}
  total(qty: number): { total: number; served: number } {
    this.served++;
    return { total: qty * this.prices.rate(), served: this.served };
  }
}
`,
    'cart.controller.ts': `import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { CartService } from './cart.service';

@Controller('cart')
export class CartController {
  constructor(private readonly cart: CartService) {}
  @Get(':qty')
  get(@Param('qty', ParseIntPipe) qty: number) {
    return this.cart.total(qty);
  }
}
`,
  }, { frameworks: true });
  const p = jurig(app, ['-v', 'main.ts']);
  t.after(async () => { await p.kill(); app.cleanup(); });
  const port = Number((await p.waitFor(/^port \d+$/, { timeout: 30000 })).split(' ')[1]);
  const get = async (qty) => JSON.parse(await httpGet(`http://127.0.0.1:${port}/cart/${qty}`));

  // constructor injection worked (it needs the design:paramtypes metadata) and ParseIntPipe ran
  assert.deepEqual(await get(3), { total: 6, served: 1 });
  // a method of the service Nest made at start: the same instance runs the new code, its state is kept
  app.edit('cart.service.ts', 'return 2;', 'return 5;', 'save');
  await until(async () => (await get(3)).total === 15, { what: 'the new rate' });
  await p.waitFor(/^Update cart\.service\.ts:PriceService\.rate$/, { stream: 'err' });
  app.edit('cart.service.ts', 'return { total: qty * this.prices.rate(), served: this.served };', 'return { total: qty * this.prices.rate() - 1, served: this.served };');
  const r = await until(async () => { const v = await get(3); return v.total === 14 && v; }, { what: 'the new total' });
  assert.ok(r.served > 2, `the service instance kept its state: ${JSON.stringify(r)}`);
  assert.deepEqual(p.err.filter((l) => /jurig (error|warning)|internal error/.test(l)), []);
});
