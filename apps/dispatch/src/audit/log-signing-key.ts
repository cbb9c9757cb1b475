import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { AppConfig, SecretStore } from '@coop/platform';
import { keyId, privateKeyFromBase64, privateKeyToBase64, publicKeyToBase64 } from '@coop/transparency-log';

/**
 * The co-op's checkpoint signing key and the log's name. The key comes from AUDIT_SIGNING_KEY
 * (base64 of the 32-byte Ed25519 seed) in production; when unset, as in development, the first
 * process generates one and keeps it in the secrets table, like the token key, so every process
 * and every restart signs with the same key. A bad key stops the boot (privateKeyFromBase64 throws).
 */
export class LogSigningKey {
  readonly publicKeyBase64: string;
  readonly keyId: string;

  constructor(
    readonly origin: string,
    readonly privateKey: KeyObject,
  ) {
    this.publicKeyBase64 = publicKeyToBase64(privateKey);
    this.keyId = keyId(origin, privateKey);
  }

  /** Loads the configured key, or the generated development key. */
  static async load(config: AppConfig, secrets: SecretStore): Promise<LogSigningKey> {
    const seed =
      config.AUDIT_SIGNING_KEY ??
      (await secrets.getOrCreate('audit-signing-key', () => privateKeyToBase64(generateKeyPairSync('ed25519').privateKey)));
    return new LogSigningKey(config.AUDIT_ORIGIN, privateKeyFromBase64(seed));
  }
}
