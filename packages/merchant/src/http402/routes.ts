import type { PaidRoute, PaidRoutes } from './config.ts';
import { PaywallConfigError } from './errors.ts';

export interface MatchedRoute {
  readonly key: string;
  readonly route: PaidRoute;
  readonly params: Readonly<Record<string, string>>;
}

interface PatternRoute {
  readonly key: string;
  readonly method: string | undefined;
  readonly regex: RegExp;
  readonly names: readonly string[];
  readonly route: PaidRoute;
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});
const METHOD = /^[A-Z]+$/;

/**
 * The route table, compiled once: exact paths in a map (one lookup on the hot
 * path), patterns in order. Query strings are not part of the match.
 */
export function compileRoutes(
  routes: PaidRoutes,
): (method: string, path: string) => MatchedRoute | undefined {
  // Method → path → route ('*' for any method): two lookups, no key string built per request.
  const exact = new Map<string, Map<string, MatchedRoute>>();
  const patterns: PatternRoute[] = [];
  for (const [key, route] of Object.entries(routes)) {
    const [first, second] = key.trim().split(/\s+/);
    const method = second === undefined ? undefined : first;
    const path = second ?? first ?? '';
    if ((method !== undefined && !METHOD.test(method)) || !path.startsWith('/')) {
      throw new PaywallConfigError(`route key ${JSON.stringify(key)} is not "METHOD /path" or "/path"`);
    }
    if (!path.includes(':') && !path.includes('*')) {
      const byPath = exact.get(method ?? '*') ?? new Map<string, MatchedRoute>();
      exact.set(method ?? '*', byPath);
      byPath.set(path, { key, route, params: NO_PARAMS });
      continue;
    }
    patterns.push({ key, method, route, ...compilePattern(path) });
  }
  return (method, path) => {
    const hit = exact.get(method)?.get(path) ?? exact.get('*')?.get(path);
    if (hit) return hit;
    for (const p of patterns) {
      if (p.method !== undefined && p.method !== method) continue;
      const m = p.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      p.names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1] ?? '');
      });
      return { key: p.key, route: p.route, params };
    }
    return undefined;
  };
}

function compilePattern(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment, i, all) => {
      if (segment === '*' && i === all.length - 1) {
        names.push('*');
        return '(.*)';
      }
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${source}$`), names };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
