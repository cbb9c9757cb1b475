/**
 * The audit API as the verifier sees it: every response is untrusted input, validated with
 * zod before any field is used (a malformed answer is a failure, never a crash).
 */
import { z } from 'zod';

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const checkpointSchema = z.object({
  origin: z.string(),
  treeSize: size,
  rootHash: b64,
  timestamp: z.string(),
  body: z.string(),
  signature: b64,
  keyId: z.string(),
});
export type CheckpointJson = z.infer<typeof checkpointSchema>;

export const publicKeySchema = z.object({ algorithm: z.literal('ed25519'), publicKey: b64, keyId: z.string() });

export const decisionSchema = z.object({
  index: size,
  leaf: z.unknown(),
  leafHash: b64,
  disclosure: z.object({ salt: b64, record: z.unknown() }).optional(),
  viewer: z.object({ pseudonym: z.string(), snapshot: z.unknown() }).optional(),
  withheld: z.string().optional(),
});
export type DecisionJson = z.infer<typeof decisionSchema>;

const pageSchema = z.object({ treeSize: size, from: size, decisions: z.array(decisionSchema), next: size.optional() });
const proofSchema = z.object({ index: size, treeSize: size, leafHash: b64, proof: z.array(b64) });
const consistencySchema = z.object({ from: size, to: size, proof: z.array(b64) });

const count = z.number().int().min(0);
/** The trips-table figures of GET /v1/audit/fairness: reported by the server, not verifiable from the log. */
export const outcomesSchema = z.object({
  source: z.literal('trips table'),
  requested: count,
  matched: count,
  completed: count,
  waitSeconds: z.object({ median: z.number(), p90: z.number(), max: z.number() }).nullable(),
  drivers: z.array(z.object({ pseudonym: z.string(), trips: count, completed: count })),
  tripsGini: z.number(),
});
export type OutcomesJson = z.infer<typeof outcomesSchema>;
const fairnessOutcomesSchema = z.object({ period: z.string(), outcomes: outcomesSchema });

/** The HTTP answer was not what the contract says. */
export class AuditApiError extends Error {
  override readonly name = 'AuditApiError';
}

/** A typed, validating client of GET /v1/audit/*. */
export class AuditClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get hasToken(): boolean {
    return this.token !== undefined;
  }

  checkpoint() {
    return this.get('/v1/audit/checkpoint', checkpointSchema);
  }

  publicKey() {
    return this.get('/v1/audit/public-key', publicKeySchema);
  }

  /** A page of leaves from `from`; with `kind`, only leaves of that kind (`next`: where the next page starts). */
  decisions(from: number, limit: number, kind?: string) {
    return this.get(`/v1/audit/decisions?from=${from}&limit=${limit}${kind ? `&kind=${encodeURIComponent(kind)}` : ''}`, pageSchema, true);
  }

  inclusion(index: number, treeSize: number) {
    return this.get(`/v1/audit/decisions/${index}/proof?treeSize=${treeSize}`, proofSchema);
  }

  consistency(from: number, to: number) {
    return this.get(`/v1/audit/consistency?from=${from}&to=${to}`, consistencySchema);
  }

  /** Trip outcomes of a pseudonym period, as the server reports them. */
  async outcomes(period: string): Promise<OutcomesJson> {
    return (await this.get(`/v1/audit/fairness?period=${encodeURIComponent(period)}`, fairnessOutcomesSchema, true)).outcomes;
  }

  private async get<S extends z.ZodType>(path: string, schema: S, authed = false): Promise<z.infer<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (authed && this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await this.fetchImpl(new URL(path, this.baseUrl), { headers });
    const text = await res.text();
    if (!res.ok) throw new AuditApiError(`GET ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AuditApiError(`GET ${path}: not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new AuditApiError(`GET ${path}: unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  }
}
