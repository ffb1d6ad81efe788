interface RouteLike {
  method: string;
  path: string;
}

/** Hono path pattern → RegExp: `:id{[0-9]+}` keeps its pattern, `:id` is one segment, `*` anything. */
function patternToRegExp(path: string): RegExp {
  let source = '';
  for (let i = 0; i < path.length; ) {
    const rest = path.slice(i);
    const param = /^:[A-Za-z0-9_]+(\{((?:[^{}]|\{[^{}]*\})+)\})?\??/.exec(rest);
    if (param) {
      source += param[2] ? `(${param[2]})` : '([^/]+)';
      i += param[0].length;
    } else if (rest.startsWith('*')) {
      source += '.*';
      i += 1;
    } else {
      source += (rest[0] ?? '').replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  return new RegExp(`^${source}/?$`);
}

/**
 * Which methods have a handler for a path: the difference between a 404 and a
 * 405 with an `Allow` header. Middleware (`ALL`) routes are not handlers.
 */
export function createMethodLookup(routes: () => readonly RouteLike[]) {
  let compiled: { method: string; pattern: RegExp }[] | undefined;
  return (path: string): string[] => {
    compiled ??= routes()
      .filter((route) => route.method !== 'ALL')
      .map((route) => ({ method: route.method, pattern: patternToRegExp(route.path) }));
    const methods = new Set(
      compiled.filter((route) => route.pattern.test(path)).map((route) => route.method),
    );
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
