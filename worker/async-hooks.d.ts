/**
 * workerd provides `node:async_hooks` under `nodejs_compat`; the worker's types
 * do not include Node's, so declare the one class we use (lib/cache.ts).
 */
declare module 'node:async_hooks' {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, callback: () => R): R;
  }
}
