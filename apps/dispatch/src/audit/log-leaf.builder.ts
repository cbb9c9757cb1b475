import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { canonicalize } from '@coop/canonical-json';
import type { DecisionRecord } from '@coop/matching';
import { PolicyService } from '../policy/policy.service';
import { DecisionLeaf, LEAF_SCHEMA, LogLeaf, PolicyActivationLeaf, sealCanonical, withPolicyRef } from './log-leaf';
import { periodOf, pseudonym } from './privacy/pseudonym';
import { redact } from './privacy/redaction';
import { PseudonymKeys } from './pseudonym-keys';

/** A leaf ready to append, and the disclosure (salt, full record) behind its commitment, if any. */
export interface BuiltLeaf {
  leaf: LogLeaf;
  disclosure?: { salt: Buffer; record: string };
}

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
    const salt = randomBytes(16);
    const full = canonicalize(record);
    // One HMAC per distinct id: a record names each driver in several places.
    const pseudonyms = new Map<string, string>();
    const pseudonymOf = (id: string) => {
      let p = pseudonyms.get(id);
      if (p === undefined) pseudonyms.set(id, (p = pseudonym(key, id)));
      return p;
    };
    const leaf: DecisionLeaf = {
      schema: LEAF_SCHEMA,
      kind: 'dispatch_decision',
      record: redact(record, { pseudonymOf, h3Resolution }),
      privacy: { period, rotation, h3Resolution },
      sealed: sealCanonical(salt, full),
    };
    return { leaf, disclosure: { salt, record: full } };
  }

  policyActivation(record: PolicyActivationLeaf['record']): BuiltLeaf {
    return { leaf: { schema: LEAF_SCHEMA, kind: 'policy_activation', record } };
  }
}
