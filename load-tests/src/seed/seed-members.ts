import { readFileSync, writeFileSync } from 'node:fs';
import { AccessTokenCodec, SecretStore, createDataSource, databaseNameOf, hashPassword } from '@coop/platform';
import { SignedIn } from '../sim';

/** Members are named per scenario, so a second run finds them instead of signing up again. */
export const memberEmail = (scenario: string, name: string) => `load-${scenario}-${name}@coop.local`;
export const MEMBER_PASSWORD = 'load-test-member-password';
export const driverName = (i: number) => `d${i + 1}`;
export const riderName = (i: number) => `r${i + 1}`;

/** What the seeder hands the runner: each member's id and a token, by bot name. */
export interface SeededMembers {
  scenario: string;
  /** When the tokens stop being valid (ISO time). */
  expiresAt: string;
  drivers: Record<string, SignedIn>;
  riders: Record<string, SignedIn>;
}

export interface SeedOptions {
  databaseUrl: string;
  scenario: string;
  drivers: number;
  riders: number;
  /** Lifetime of the minted tokens; the server's own default is 12 h. */
  tokenTtlSeconds?: number;
}

const BATCH = 1_000;

/**
 * Puts a load scenario's members straight into the system's database, drivers approved, and
 * mints their access tokens with the system's own key, instead of thousands of HTTP sign-ups
 * and sign-ins that each cost the server one scrypt hash (N = 2^17: about half a second of
 * CPU here, so 10,000 drivers would take hours of setup). The rows are what registration
 * writes; every member shares one real scrypt hash of the load password (computed once),
 * so a sign-in over HTTP still works. The setup is not what a load run measures.
 * Only for load and test databases: it refuses any other name.
 */
export async function seedMembers(o: SeedOptions): Promise<SeededMembers> {
  const name = databaseNameOf(o.databaseUrl);
  if (!/load|test|h3/.test(name)) throw new Error(`refusing to seed database "${name}": its name does not say load or test`);
  const db = createDataSource({ url: o.databaseUrl, poolSize: 2, applicationName: 'coop-load-seed' });
  await db.initialize();
  try {
    const passwordHash = await hashPassword(MEMBER_PASSWORD);
    const ids = async (role: 'driver' | 'rider', names: string[]) => {
      const out = new Map<string, string>();
      for (let i = 0; i < names.length; i += BATCH) {
        const batch = names.slice(i, i + BATCH);
        const emails = batch.map((n) => memberEmail(o.scenario, n));
        // Existing members (an earlier run) are kept, and approved when they are drivers.
        await db.query(
          `INSERT INTO members (email, password_hash, display_name, role, approved_at)
           SELECT e, $2, 'Load ' || $3 || ' ' || split_part(split_part(e, '@', 1), '-', 3), $3, CASE WHEN $3 = 'driver' THEN now() END
           FROM unnest($1::text[]) AS e
           ON CONFLICT ((lower(email))) DO UPDATE SET approved_at = COALESCE(members.approved_at, EXCLUDED.approved_at)`,
          [emails, passwordHash, role],
        );
        const rows: { id: string; email: string; role: string }[] = await db.query(`SELECT id, email, role FROM members WHERE lower(email) = ANY($1::text[])`, [emails]);
        for (const r of rows) {
          if (r.role !== role) throw new Error(`${r.email} exists as a ${r.role}, not a ${role}`);
          out.set(r.email, r.id);
        }
      }
      return names.map((n) => out.get(memberEmail(o.scenario, n))!);
    };
    const driverNames = Array.from({ length: o.drivers }, (_, i) => driverName(i));
    const riderNames = Array.from({ length: o.riders }, (_, i) => riderName(i));
    const [driverIds, riderIds] = [await ids('driver', driverNames), await ids('rider', riderNames)];

    // The same key the servers verify tokens with (created here when no server has run yet).
    const key = Buffer.from(await new SecretStore(db).getOrCreate('access-token-key'), 'base64');
    const codec = new AccessTokenCodec(key);
    const ttl = o.tokenTtlSeconds ?? 12 * 3600;
    const nowMs = Date.now();
    const tokens = (role: 'driver' | 'rider', names: string[], memberIds: string[]) =>
      Object.fromEntries(names.map((n, i) => [n, { memberId: memberIds[i], token: codec.issue({ memberId: memberIds[i], role }, nowMs, ttl) }]));
    return {
      scenario: o.scenario,
      expiresAt: new Date(nowMs + ttl * 1000).toISOString(),
      drivers: tokens('driver', driverNames, driverIds),
      riders: tokens('rider', riderNames, riderIds),
    };
  } finally {
    await db.destroy();
  }
}

export function writeSeededMembers(path: string, seeded: SeededMembers): void {
  writeFileSync(path, JSON.stringify(seeded) + '\n');
}

/** Reads a seeder's file; refuses one whose tokens have expired or that was made for another scenario. */
export function readSeededMembers(path: string, scenario: string): SeededMembers {
  const seeded = JSON.parse(readFileSync(path, 'utf8')) as SeededMembers;
  if (seeded.scenario !== scenario) throw new Error(`${path} holds members of scenario ${seeded.scenario}, not ${scenario}`);
  if (Date.parse(seeded.expiresAt) < Date.now() + 10 * 60_000) throw new Error(`${path}: the tokens expire at ${seeded.expiresAt}; seed again`);
  return seeded;
}
