// Framework adapters for effects (issue 11): a route is not a timer or a listener, so the generic
// tracking cannot see it. `liveRoutes(app)` makes each route an Express app or router gets during a
// top-level statement's run belong to that statement: when the statement runs again or is deleted, the
// layers it added leave the router's stack (Express 4 and 5).
import { METHODS } from 'node:http';
import type { EffectsApi } from './effects.js';

const effects = () => (globalThis as Record<symbol, EffectsApi | undefined>)[Symbol.for('jurig.effects')];
const ROUTING = [...METHODS.map((m) => m.toLowerCase()), 'all', 'use', 'route'];
const WRAPPED = Symbol('jurig.liveRoutes');
// the statement whose run added each layer (its line is kept current across saves)
const owners = new WeakMap<object, { file: string; line: number }>();

type Layers = unknown[];
type AppLike = Record<string | symbol, unknown>;

/** The array of layers requests go through: a Router's own, or an app's (created if missing). */
function stackOf(app: AppLike): Layers | undefined {
  if (Array.isArray(app.stack)) return app.stack; // express.Router()
  if (typeof app.lazyrouter === 'function') {
    (app.lazyrouter as () => void)();
    return (app._router as { stack: Layers } | undefined)?.stack;
  } // Express 4
  return (app.router as { stack?: Layers } | undefined)?.stack; // Express 5 (a getter that creates it)
}

/**
 * Make the routes of an Express app (or `express.Router()`) live: a route or middleware added by a
 * top-level statement is removed when that statement runs again (changed) or is deleted, so a changed
 * `app.get('/a', h)` → `app.get('/b', h)` answers on /b and no longer on /a. Call it once, right after
 * creating the app. Does nothing when not running under jurig. Returns the app.
 */
export function liveRoutes<T extends object>(app: T): T {
  const a = app as unknown as AppLike;
  if (a[WRAPPED] || !effects() || effects()!.mode === 'off') return app;
  a[WRAPPED] = true;
  let nested = false;
  for (const name of ROUTING) {
    const original = a[name];
    if (typeof original !== 'function') continue;
    a[name] = function (this: unknown, ...args: unknown[]) {
      const fx = effects();
      const owner = fx?.currentOwner();
      // (app.get('setting') reads a setting; Express 5's app.get calls app.route: counted once, outside)
      if (!owner || nested || (name === 'get' && args.length === 1)) return original.apply(this, args);
      const before = new Set(stackOf(a) ?? []);
      let result: unknown;
      nested = true;
      try {
        result = original.apply(this, args);
      } finally {
        nested = false;
      }
      const stack = stackOf(a) ?? [];
      const added = stack.filter((layer) => !before.has(layer));
      if (added.length) {
        // a statement run again (or added) after start appends its layers at the end, behind a catch-all
        // that later statements added: they go back before the first layer of a later statement
        const isLater = (l: unknown) => {
          const o = owners.get(l as object);
          return before.has(l) && o !== undefined && o.file === owner.file && o.line > owner.line;
        };
        if (stack.some(isLater)) {
          for (const l of added) stack.splice(stack.indexOf(l), 1);
          stack.splice(stack.findIndex(isLater), 0, ...added);
        }
        for (const l of added) owners.set(l as object, owner);
        fx!.addCleanup(owner, () => {
          const stack = stackOf(a) ?? [];
          for (const layer of added) {
            const i = stack.indexOf(layer);
            if (i !== -1) stack.splice(i, 1);
          }
        });
      }
      return result;
    };
  }
  return app;
}
