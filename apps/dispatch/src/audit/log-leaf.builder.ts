import { randomFillSync } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DecisionRecord } from '@coop/matching';
import { PolicyService } from '../policy/policy.service';
import { decisionLeafTexts } from './decision-leaf';
import { LEAF_SCHEMA, LogLeaf, PolicyActivationLeaf, leafText, withPolicyRef } from './log-leaf';
import { PseudonymCache, periodOf } from './privacy/pseudonym';
import { PseudonymKeys } from './pseudonym-keys';

/** A leaf ready to append: its kind, its exact text (RFC 8785), and the disclosure (salt, full record) behind its commitment, if any. */
export interface BuiltLeaf {
  kind: LogLeaf['kind'];
  text: string;
  disclosure?: { salt: Buffer; record: string };
}

const SALT_BYTES = 16;
/** Salts per CSPRNG call: randomBytes(16) for each leaf cost a call into OpenSSL (~3 us) each. */
const SALTS_PER_FILL = 256;

/** The policy default when a stored policy lacks a usable privacy section (never the finest cells). */
const FALLBACK_RESOLUTION = 7;

/**
 * Turns what the app logs into leaves: a decision record into its public form under the
 * privacy rules of the policy version the decision names, sealed with a fresh salt.
 */
@Injectable()
export class LogLeafBuilder {
  constructor(
    private readonly policies: PolicyService,
    private readonly keys: PseudonymKeys,
  ) {}

  private readonly pseudonyms = new PseudonymCache();
  private salts = Buffer.alloc(0);
  private saltsUsed = 0;

  /** A fresh 16-byte salt from the CSPRNG (a slice of a larger fill; every slice is used once). */
  private nextSalt(): Buffer {
    if (this.saltsUsed === this.salts.length) {
      this.salts = randomFillSync(Buffer.allocUnsafeSlow(SALT_BYTES * SALTS_PER_FILL));
      this.saltsUsed = 0;
    }
    return this.salts.subarray(this.saltsUsed, (this.saltsUsed += SALT_BYTES));
  }

  /**
   * Both the public record and the sealed full record name the policy by version and hash only
   * (leaf schema v3): the log's activation leaf of that version holds the parameters.
   */
  async decision(decided: DecisionRecord): Promise<BuiltLeaf> {
    const record = withPolicyRef(decided);
    const named = await this.policies.version(Number(record.policy.version));
    const privacy = (named ?? this.policies.inForce()).document.privacy;
    const rotation = privacy?.pseudonymRotation ?? 'monthly';
    const h3Resolution =
      Number.isInteger(privacy?.publicH3Resolution) && privacy.publicH3Resolution >= 0 && privacy.publicH3Resolution <= 15
        ? privacy.publicH3Resolution
        : FALLBACK_RESOLUTION;
    const period = periodOf(record.nowMs, rotation);
    const key = await this.keys.keyFor(period);
    const salt = this.nextSalt();
    // One HMAC per distinct id and period key: a record names each driver in several places, and the same drivers recur.
    const pseudonymOf = (id: string) => this.pseudonyms.of(key, id);
    const texts = decisionLeafTexts(record, { pseudonymOf, h3Resolution }, { period, rotation, h3Resolution }, salt);
    return { kind: 'dispatch_decision', text: texts.leafText, disclosure: { salt, record: texts.fullRecord } };
  }

  policyActivation(record: PolicyActivationLeaf['record']): BuiltLeaf {
    return { kind: 'policy_activation', text: leafText({ schema: LEAF_SCHEMA, kind: 'policy_activation', record }) };
  }
}
