/**
 * Given a disclosed full record, is the leaf's public record exactly its public form? Without
 * the pseudonym key the verifier cannot recompute pseudonyms, but it can check everything else:
 * each id maps to one pseudonym and each pseudonym to one id (within the leaf), each position
 * to its H3 cell at the leaf's resolution, each finer cell to its parent, and every other value
 * is equal. Returns the path of the first difference, or undefined.
 */
import { latLngToCell } from 'h3-js';
import { coarsenCell, isUuid } from '../../apps/dispatch/src/audit/privacy/redaction';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function publicFormMismatch(full: unknown, pub: unknown, h3Resolution: number): string | undefined {
  const forward = new Map<string, string>();
  const backward = new Map<string, string>();
  const walk = (f: unknown, p: unknown, path: string, key = ''): string | undefined => {
    if (isUuid(f)) {
      const id = f.toLowerCase();
      if (typeof p !== 'string' || isUuid(p)) return path;
      if ((forward.get(id) ?? p) !== p || (backward.get(p) ?? id) !== id) return path;
      forward.set(id, p);
      backward.set(p, id);
      return undefined;
    }
    if (key.endsWith('Cell') && typeof f === 'string') return coarsenCell(f, h3Resolution) === p ? undefined : path;
    if (Array.isArray(f)) {
      if (!Array.isArray(p) || p.length !== f.length) return path;
      for (let i = 0; i < f.length; i++) {
        const bad = walk(f[i], p[i], `${path}[${i}]`);
        if (bad) return bad;
      }
      return undefined;
    }
    if (isObj(f)) {
      if (!isObj(p)) return path;
      const keys = Object.keys(f);
      if (keys.length === 2 && Number.isInteger(f.latE6) && Number.isInteger(f.lngE6)) {
        const cell = latLngToCell((f.latE6 as number) / 1e6, (f.lngE6 as number) / 1e6, h3Resolution);
        return Object.keys(p).length === 1 && p.cell === cell ? undefined : path;
      }
      if (keys.length !== Object.keys(p).length) return path;
      for (const k of keys) {
        if (!(k in p)) return `${path}.${k}`;
        const bad = walk(f[k], p[k], `${path}.${k}`, k);
        if (bad) return bad;
      }
      return undefined;
    }
    return Object.is(f, p) ? undefined : path;
  };
  return walk(full, pub, 'record');
}
