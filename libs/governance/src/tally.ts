/**
 * The tally of a policy vote, in integer arithmetic so every member's recomputation agrees.
 *
 * The rule, stated once:
 * - eligible: members of a class the policy in force lists (governance.membershipClasses)
 *   when the window closes; one member, one ballot (the last one cast before the close).
 * - quorum: ballots cast, abstentions included, are at least quorumBasisPoints of eligible:
 *   cast x 10000 >= quorum x eligible.
 * - threshold: yes among yes + no (abstentions left out) is at least the threshold:
 *   yes x 10000 >= threshold x (yes + no), with at least one yes. A change that touches the
 *   governance section needs governanceThresholdBasisPoints instead (the supermajority).
 * - passed = quorum met and threshold met.
 */
import type { GovernancePolicy } from '@coop/policy';

/** How a member voted. */
export type Choice = 'yes' | 'no' | 'abstain';
export const CHOICES: readonly Choice[] = ['yes', 'no', 'abstain'];

/** The published result of a vote: the inputs and the outcome. */
export interface Tally {
  eligible: number;
  yes: number;
  no: number;
  abstain: number;
  cast: number;
  quorumBasisPoints: number;
  thresholdBasisPoints: number;
  /** True when the governance section changes and the supermajority applied. */
  supermajority: boolean;
  quorumMet: boolean;
  thresholdMet: boolean;
  passed: boolean;
}

/** Counts the ballots and applies the quorum and threshold of `rules` (see the rule above). */
export function tallyVotes(choices: readonly Choice[], eligible: number, rules: GovernancePolicy, supermajority: boolean): Tally {
  if (!Number.isSafeInteger(eligible) || eligible < 0) throw new RangeError('eligible must be a non-negative integer');
  if (choices.length > eligible) throw new RangeError('more ballots than eligible members');
  const count = (c: Choice) => choices.filter((x) => x === c).length;
  const yes = count('yes');
  const no = count('no');
  const abstain = count('abstain');
  const cast = yes + no + abstain;
  if (cast !== choices.length) throw new RangeError('unknown choice in ballots');
  const quorumBasisPoints = rules.quorumBasisPoints;
  const thresholdBasisPoints = supermajority ? rules.governanceThresholdBasisPoints : rules.thresholdBasisPoints;
  const quorumMet = eligible > 0 && cast * 10_000 >= quorumBasisPoints * eligible;
  const thresholdMet = yes > 0 && yes * 10_000 >= thresholdBasisPoints * (yes + no);
  return { eligible, yes, no, abstain, cast, quorumBasisPoints, thresholdBasisPoints, supermajority, quorumMet, thresholdMet, passed: quorumMet && thresholdMet };
}
