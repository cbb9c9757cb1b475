/**
 * Checkpoint bodies in the C2SP tlog-checkpoint layout (c2sp.org/tlog-checkpoint):
 *
 *   <origin>\n
 *   <tree size, ASCII decimal, no leading zeros>\n
 *   <root hash, standard base64 with padding>\n
 *   timestamp <ISO 8601 UTC, e.g. 2025-03-01T12:00:00.000Z>\n   (ours, optional, always line 4)
 *   <further extension lines>\n                                   (optional, opaque, non-empty)
 *
 * The timestamp is an extension line so that standard C2SP tooling still reads the body; it is
 * passed in by the caller (no clock here). Parsing is strict so that one checkpoint has exactly
 * one text: anything the formatter would not produce is rejected.
 */
import { HASH_SIZE } from './hashing';
import { TransparencyLogError } from './merkle.errors';
import { isSize } from './tree-geometry';

/** The fields of a checkpoint body. */
export interface Checkpoint {
  /** Log identity; doubles as the signed-note key name, so no spaces and no '+'. */
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  /** ISO 8601 UTC instant (`YYYY-MM-DDTHH:MM:SS[.fff]Z`) when the log signed this tree head. */
  readonly timestamp?: string;
  /** Other extension lines, in order, without their newline. */
  readonly extensions?: readonly string[];
}

/** Prefix of our timestamp extension line. */
export const TIMESTAMP_PREFIX = 'timestamp ';

const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;
const SIZE_RE = /^(0|[1-9][0-9]*)$/;
const ROOT_RE = /^[A-Za-z0-9+/]{43}=$/;
// ASCII control characters other than newline are forbidden in signed notes (c2sp.org/signed-note).
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u0009\u000b-\u001f]/;
// With the u flag, only unpaired surrogates match \p{Cs}: such text has no UTF-8 form.
const LONE_SURROGATE_RE = /\p{Cs}/u;
// Key names must not contain Unicode spaces or '+' (c2sp.org/signed-note).
const BAD_ORIGIN_RE = /[\s+]/u;

function malformed(why: string): TransparencyLogError {
  return new TransparencyLogError('CHECKPOINT.MALFORMED', why);
}

/** Throws CHECKPOINT.MALFORMED unless `ts` is a real ISO 8601 UTC instant in the accepted form. */
export function assertTimestamp(ts: string): void {
  const m = TIMESTAMP_RE.exec(ts);
  if (!m) throw malformed(`timestamp ${JSON.stringify(ts)} is not YYYY-MM-DDTHH:MM:SS[.fff]Z`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const valid =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  if (!valid) throw malformed(`timestamp ${ts} is not a calendar instant`);
}

function assertLine(line: string, what: string): void {
  if (line.length === 0) throw malformed(`${what} is empty`);
  if (line.includes('\n') || CONTROL_RE.test(line)) throw malformed(`${what} contains a control character`);
  if (LONE_SURROGATE_RE.test(line)) throw malformed(`${what} is not valid Unicode`);
}

function assertOrigin(origin: string): void {
  assertLine(origin, 'origin');
  if (BAD_ORIGIN_RE.test(origin)) throw malformed('origin must not contain spaces or "+" (it is the key name)');
}

/** Format a checkpoint body (the exact text that is signed); validates every field. */
export function formatCheckpointBody(cp: Checkpoint): string {
  assertOrigin(cp.origin);
  if (!isSize(cp.treeSize)) throw malformed(`tree size ${cp.treeSize} is not a non-negative safe integer`);
  if (!(cp.rootHash instanceof Uint8Array) || cp.rootHash.length !== HASH_SIZE) {
    throw malformed('root hash must be 32 bytes');
  }
  const lines = [cp.origin, String(cp.treeSize), Buffer.from(cp.rootHash).toString('base64')];
  if (cp.timestamp !== undefined) {
    assertTimestamp(cp.timestamp);
    lines.push(TIMESTAMP_PREFIX + cp.timestamp);
  }
  for (const ext of cp.extensions ?? []) {
    assertLine(ext, 'extension line');
    if (ext.startsWith(TIMESTAMP_PREFIX)) throw malformed('the timestamp goes in the timestamp field');
    lines.push(ext);
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** Parse a checkpoint body strictly (CHECKPOINT.MALFORMED otherwise): format(parse(b)) === b. */
export function parseCheckpointBody(body: string): Checkpoint {
  if (typeof body !== 'string') throw malformed('body must be a string');
  if (!body.endsWith('\n')) throw malformed('body must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed('body needs origin, tree size and root hash lines');
  lines.forEach((l, i) => assertLine(l, `line ${i + 1}`));
  const [origin, sizeText, rootText, ...rest] = lines;
  assertOrigin(origin);
  if (!SIZE_RE.test(sizeText)) throw malformed(`tree size ${JSON.stringify(sizeText)} is not canonical decimal`);
  const treeSize = Number(sizeText);
  if (!Number.isSafeInteger(treeSize)) throw malformed(`tree size ${sizeText} exceeds 2^53 - 1`);
  if (!ROOT_RE.test(rootText)) throw malformed('root hash is not 32 bytes of padded standard base64');
  const rootHash = new Uint8Array(Buffer.from(rootText, 'base64'));
  if (Buffer.from(rootHash).toString('base64') !== rootText) throw malformed('root hash base64 is not canonical');

  let timestamp: string | undefined;
  if (rest.length > 0 && rest[0].startsWith(TIMESTAMP_PREFIX)) {
    timestamp = rest.shift()!.slice(TIMESTAMP_PREFIX.length);
    assertTimestamp(timestamp);
  }
  if (rest.some((l) => l.startsWith(TIMESTAMP_PREFIX))) {
    throw malformed('timestamp must be the first extension line and appear once');
  }
  return {
    origin,
    treeSize,
    rootHash,
    ...(timestamp !== undefined ? { timestamp } : {}),
    ...(rest.length > 0 ? { extensions: rest } : {}),
  };
}
