import { api } from '../api';
import { DecisionEntry, DecisionsPage } from './leaf-types';

/** Reads the log newest first, a page at a time (GET /v1/audit/decisions reads forwards). */
export class DecisionsSource {
  private before?: number;
  treeSize = 0;

  constructor(private readonly pageSize = 100) {}

  get hasOlder(): boolean {
    return this.before === undefined || this.before > 0;
  }

  /** The next older page, newest first. */
  async older(): Promise<DecisionEntry[]> {
    if (this.before === undefined) {
      this.treeSize = (await api<DecisionsPage>('/v1/audit/decisions?from=0&limit=1')).treeSize;
      this.before = this.treeSize;
    }
    if (this.before === 0) return [];
    const from = Math.max(0, this.before - this.pageSize);
    const page = await api<DecisionsPage>(`/v1/audit/decisions?from=${from}&limit=${this.before - from}`);
    this.before = from;
    return page.decisions.reverse();
  }
}

/** One entry of the log, by index. */
export async function decisionAt(index: number): Promise<DecisionEntry | undefined> {
  return (await api<DecisionsPage>(`/v1/audit/decisions?from=${index}&limit=1`)).decisions[0];
}
