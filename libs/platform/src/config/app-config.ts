import { z } from 'zod';

/** A boolean environment value: "1", "true" or "yes" is on; unset means `fallback`. */
const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined ? fallback : /^(1|true|yes|on)$/i.test(v)));

/**
 * The environment the system accepts, validated once at boot: a bad value stops the
 * process with a message naming the variable, instead of failing later mid-request.
 */
export const appConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .url()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/coop'),
  /**
   * Connections in this process's PostgreSQL pool. A trip request holds one for its whole
   * transaction, so the pool bounds how many requests are in flight at once; every process's
   * pool (and the log writer's two) must fit PostgreSQL's max_connections.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(10),
  REDIS_URL: z
    .string()
    .url()
    .refine((u) => /^rediss?:\/\//.test(u), 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and queue, so several systems (or test files) share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[a-zA-Z0-9_-]+$/).default('coop'),
  /** Base URL of an OSRM server (its `table` service gives road ETAs to pickups); the ETA model alone when unset. */
  OSRM_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s):// URL')
    .optional(),
  /** How long dispatch waits for OSRM before falling back to the ETA model. */
  OSRM_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(400),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  /** base64 of the 32-byte Ed25519 seed that signs audit checkpoints; generated and stored when unset. */
  AUDIT_SIGNING_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be standard base64 of a 32-byte Ed25519 seed')
    .optional(),
  /** Name of the transparency log in its checkpoints (C2SP origin line; also the signed-note key name). */
  AUDIT_ORIGIN: z
    .string()
    .regex(/^[^\s+]+$/u, 'must be non-empty, without spaces or "+" (c2sp.org/signed-note key name)')
    .default('coop-dispatch.local/log'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Apply pending migrations at boot (on by default: `npm start` works on an empty database). */
  MIGRATE_ON_BOOT: flag(true),
  /** Run background workers (offer deadlines, dispatch watchdog, outbox relay) in this process. */
  WORKERS: flag(true),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(12 * 3600),
  /**
   * The co-op's own bank account, the debtor of payout files: a name with either an IBAN (and
   * optional BIC) or the Canadian institution/transit/account. Shapes are checked here; the IBAN
   * check digits by apps/payouts at boot (payer-account.ts). Unset: a dev placeholder, with a warning.
   */
  COOP_PAYER_NAME: z.string().trim().min(1).max(70).optional(),
  COOP_PAYER_IBAN: z.string().regex(/^[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{8,40}$/, 'must be an IBAN').optional(),
  COOP_PAYER_BIC: z.string().regex(/^[A-Za-z0-9]{4}[A-Za-z]{2}[A-Za-z0-9]{2}([A-Za-z0-9]{3})?$/, 'must be an ISO 9362 BIC (8 or 11 characters)').optional(),
  COOP_PAYER_CA_INSTITUTION: z.string().regex(/^\d{3}$/, 'must be 3 digits').optional(),
  COOP_PAYER_CA_TRANSIT: z.string().regex(/^\d{5}$/, 'must be 5 digits').optional(),
  COOP_PAYER_CA_ACCOUNT: z.string().regex(/^\d{7,12}$/, 'must be 7 to 12 digits').optional(),
});

export type AppConfig = z.infer<typeof appConfigSchema>;

/** Raised when the environment is invalid; the message lists every bad variable. */
export class ConfigError extends Error {}

/** Validates an environment (process.env by default) into a typed, frozen config. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const result = appConfigSchema.safeParse(stripEmpty(env));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  if ((result.data.ADMIN_EMAIL === undefined) !== (result.data.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('invalid configuration:\n  ADMIN_EMAIL and ADMIN_PASSWORD go together');
  }
  return Object.freeze(result.data);
}

/** Empty strings count as unset, as they do in most .env files. */
function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
