import { DecisionEntry } from './leaf-types';

/** What {@link searchOlder} reads: the log newest first, a page at a time (DecisionsSource). */
export interface OlderPages {
  readonly hasOlder: boolean;
  older(): Promise<DecisionEntry[]>;
}

export interface SearchLimits {
  /** Pages read at most. */
  pages: number;
  /** Stop once this many read entries match. */
  matches: number;
  /** The start of the time range searched (epoch ms): entries are in time order, so older ones cannot match. */
  notBefore?: number;
}

/**
 * Reads older pages until enough of them match, the log starts, the page budget is spent, or
 * the entries are older than the range searched. Returns every entry read, newest first.
 */
export async function searchOlder(source: OlderPages, isMatch: (e: DecisionEntry) => boolean, limits: SearchLimits): Promise<DecisionEntry[]> {
  const read: DecisionEntry[] = [];
  let found = 0;
  for (let page = 0; page < limits.pages && source.hasOlder; page++) {
    const entries = await source.older();
    read.push(...entries);
    found += entries.filter(isMatch).length;
    const oldest = read[read.length - 1]?.leaf?.record?.nowMs;
    if (found >= limits.matches) break;
    if (limits.notBefore !== undefined && oldest !== undefined && oldest < limits.notBefore) break;
  }
  return read;
}
