/**
 * Matches raw request paths against exact paths and `/*`-suffixed subtrees.
 * Exact entries match with and without a trailing slash.
 */
export class PathMatcher {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];

  constructor(paths: Iterable<string>) {
    for (const path of paths) {
      if (path.endsWith('/*')) {
        this.prefixes.push(path.slice(0, -1));
      } else {
        const bare =
          path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
        this.exact.add(bare);
        this.exact.add(bare === '/' ? bare : `${bare}/`);
      }
    }
  }

  /** Whether `path` (no query string) is one of the entries. */
  matches(path: string): boolean {
    if (this.exact.has(path)) return true;
    for (const prefix of this.prefixes)
      if (path.startsWith(prefix)) return true;
    return false;
  }
}
