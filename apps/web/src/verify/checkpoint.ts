/**
 * Checkpoints (C2SP tlog-checkpoint): parse the signed body and check its Ed25519 signature
 * and key ID (C2SP signed-note) with WebCrypto.
 */
import { bytesEqual, concat, fromBase64, toHex } from './bytes';

/** GET /v1/audit/checkpoint */
export interface CheckpointJson {
  origin: string;
  treeSize: number;
  rootHash: string;
  timestamp: string;
  body: string;
  signature: string;
  keyId: string;
}

/** GET /v1/audit/public-key */
export interface PublicKeyJson {
  algorithm: 'ed25519';
  publicKey: string;
  keyId: string;
}

/** What the signed body says: origin, size and root (the first three lines). */
export interface CheckpointBody {
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
}

export function parseCheckpointBody(body: string): CheckpointBody {
  const lines = body.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new Error('the body is not newline-terminated lines');
  if (!/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new Error('the tree size line is not a decimal number');
  const rootHash = fromBase64(lines[2]);
  if (rootHash.length !== 32) throw new Error('the root hash is not 32 bytes');
  return { origin: lines[0], treeSize: Number(lines[1]), rootHash };
}

/** The signed-note key ID: first 4 bytes of SHA-256(origin || 0x0A || 0x01 || public key). */
export async function keyIdOf(origin: string, publicKey: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', concat(new TextEncoder().encode(origin), new Uint8Array([0x0a, 0x01]), publicKey));
  return toHex(new Uint8Array(digest).subarray(0, 4));
}

/** Checks the checkpoint's signature and that its JSON fields are those of the signed body. */
export async function verifyCheckpoint(cp: CheckpointJson, key: PublicKeyJson): Promise<{ ok: true; body: CheckpointBody } | { ok: false; reason: string }> {
  let body: CheckpointBody;
  try {
    body = parseCheckpointBody(cp.body);
  } catch (error) {
    return { ok: false, reason: `malformed checkpoint: ${(error as Error).message}` };
  }
  const publicKey = fromBase64(key.publicKey);
  if (key.algorithm !== 'ed25519' || publicKey.length !== 32) return { ok: false, reason: 'the public key is not a 32-byte Ed25519 key' };
  if ((await keyIdOf(body.origin, publicKey)) !== cp.keyId) return { ok: false, reason: 'the key ID does not match the origin and public key' };
  const cryptoKey = await crypto.subtle.importKey('raw', concat(publicKey), { name: 'Ed25519' }, false, ['verify']);
  const signed = await crypto.subtle.verify({ name: 'Ed25519' }, cryptoKey, concat(fromBase64(cp.signature)), concat(new TextEncoder().encode(cp.body)));
  if (!signed) return { ok: false, reason: 'the Ed25519 signature does not verify' };
  if (body.origin !== cp.origin || body.treeSize !== cp.treeSize || !bytesEqual(body.rootHash, fromBase64(cp.rootHash))) {
    return { ok: false, reason: 'the JSON fields differ from the signed body' };
  }
  return { ok: true, body };
}
