/**
 * Ed25519 signatures over checkpoint bodies (RFC 8032 via node:crypto), and the key handling
 * around them: raw 32-byte keys as base64 (what the API publishes), and the C2SP signed-note
 * key ID so that checkpoints can also be emitted as standard signed notes.
 */
import { createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { parseCheckpointBody } from './checkpoint';
import { TransparencyLogError } from './merkle.errors';

// DER prefixes of the fixed-size Ed25519 encodings (RFC 8410): PKCS#8 private key wrapping
// the 32-byte seed, and SubjectPublicKeyInfo wrapping the 32-byte public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_KEY_SIZE = 32;
const ED25519_SIG_SIZE = 64;
/** Signature type byte of Ed25519 in c2sp.org/signed-note. */
const SIGNED_NOTE_ED25519 = 0x01;

function badKey(why: string): TransparencyLogError {
  return new TransparencyLogError('CHECKPOINT.BAD_KEY', why);
}

function decodeRaw(b64: string, what: string): Buffer {
  const raw = Buffer.from(b64, 'base64');
  if (raw.length !== ED25519_KEY_SIZE || raw.toString('base64') !== b64) {
    throw badKey(`${what} must be 32 bytes of standard base64`);
  }
  return raw;
}

/** Import a raw 32-byte Ed25519 private key (the RFC 8032 seed), given as base64. */
export function privateKeyFromBase64(seedB64: string): KeyObject {
  const seed = decodeRaw(seedB64, 'private key');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Import a raw 32-byte Ed25519 public key, given as base64 (the form GET /v1/audit/public-key returns). */
export function publicKeyFromBase64(publicKeyB64: string): KeyObject {
  const raw = decodeRaw(publicKeyB64, 'public key');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function assertEd25519(key: KeyObject, type: 'private' | 'public'): void {
  if (!(key instanceof KeyObject) || key.type !== type || key.asymmetricKeyType !== 'ed25519') {
    throw badKey(`expected an Ed25519 ${type} KeyObject`);
  }
}

/** Export a private key as its raw 32-byte seed in base64 (for secrets storage). */
export function privateKeyToBase64(privateKey: KeyObject): string {
  assertEd25519(privateKey, 'private');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return der.subarray(PKCS8_PREFIX.length).toString('base64');
}

/** Raw 32-byte public key of an Ed25519 key (public, or private from which it is derived). */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  assertEd25519(pub, 'public');
  const der = pub.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(SPKI_PREFIX.length));
}

/** Export the public key as raw 32 bytes in base64 (what the audit API publishes). */
export function publicKeyToBase64(key: KeyObject): string {
  return Buffer.from(rawPublicKey(key)).toString('base64');
}

/**
 * Key ID of c2sp.org/signed-note for Ed25519: the first 4 bytes of
 * SHA-256(keyName || 0x0A || 0x01 || raw 32-byte public key), as 8 lowercase hex digits
 * (the big-endian uint32 the spec talks about). The key name is the checkpoint origin.
 */
export function keyId(keyName: string, publicKey: KeyObject): string {
  return Buffer.from(keyIdBytes(keyName, publicKey)).toString('hex');
}

/** The 4 raw bytes behind {@link keyId}, as prefixed to signatures in a signed note. */
export function keyIdBytes(keyName: string, publicKey: KeyObject): Uint8Array {
  const digest = createHash('sha256')
    .update(keyName, 'utf8')
    .update(Buffer.from([0x0a, SIGNED_NOTE_ED25519]))
    .update(rawPublicKey(publicKey))
    .digest();
  return new Uint8Array(digest.subarray(0, 4));
}

/**
 * Sign a checkpoint body: Ed25519 over its UTF-8 bytes, base64. Refuses a malformed body
 * (CHECKPOINT.MALFORMED) so the log never signs text a verifier cannot parse.
 */
export function signCheckpoint(body: string, privateKey: KeyObject): string {
  parseCheckpointBody(body);
  assertEd25519(privateKey, 'private');
  return sign(null, Buffer.from(body, 'utf8'), privateKey).toString('base64');
}

/** Check an Ed25519 signature (base64) over a checkpoint body; false for any bad signature, never throws on it. */
export function verifyCheckpoint(body: string, signatureB64: string, publicKey: KeyObject): boolean {
  assertEd25519(publicKey, 'public');
  if (typeof body !== 'string' || typeof signatureB64 !== 'string') return false;
  const sig = Buffer.from(signatureB64, 'base64');
  if (sig.length !== ED25519_SIG_SIZE || sig.toString('base64') !== signatureB64) return false;
  try {
    return verify(null, Buffer.from(body, 'utf8'), publicKey, sig);
  } catch {
    return false;
  }
}

/**
 * The body and signature as a C2SP signed note (c2sp.org/signed-note), readable by standard
 * tooling: body, blank line, "— <origin> base64(keyID || signature)".
 */
export function formatSignedNote(body: string, signatureB64: string, publicKey: KeyObject): string {
  const { origin } = parseCheckpointBody(body);
  const sig = Buffer.from(signatureB64, 'base64');
  if (sig.length !== ED25519_SIG_SIZE) throw badKey('signature must be 64 bytes');
  const line = Buffer.concat([keyIdBytes(origin, publicKey), sig]).toString('base64');
  return `${body}\n\u2014 ${origin} ${line}\n`;
}
