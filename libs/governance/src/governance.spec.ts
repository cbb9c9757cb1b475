import fc from 'fast-check';
import type { JsonValue } from '@coop/money';
import { defaultPolicy } from '@coop/policy';
import { applyMergePatch, changesGovernance, diffDocuments } from './policy-patch';
import { policyDocumentIssues } from './policy-document.schema';
import { Choice, tallyVotes } from './tally';

const rules = defaultPolicy.governance; // quorum 2000, threshold 5001, governance 6667
const base = defaultPolicy as unknown as JsonValue;

describe('proposal patches (RFC 7396)', () => {
  it('merges objects, replaces arrays and removes keys with null, leaving the input unchanged', () => {
    const target = { a: { b: 1, c: [1, 2] }, d: 'x' };
    expect(applyMergePatch(target, { a: { b: 2, c: [3] }, d: null })).toEqual({ a: { b: 2, c: [3] } });
    expect(target).toEqual({ a: { b: 1, c: [1, 2] }, d: 'x' });
  });

  it('lists the changed leaves and tells a governance change apart', () => {
    const after = applyMergePatch(base, { payouts: { minimumAmount: 2500 }, governance: { quorumBasisPoints: 2500 } });
    const changes = diffDocuments(base, after);
    expect(changes).toEqual([
      { path: 'governance.quorumBasisPoints', before: 2000, after: 2500 },
      { path: 'payouts.minimumAmount', before: 1000, after: 2500 },
    ]);
    expect(changesGovernance(changes)).toBe(true);
    expect(changesGovernance(changes.slice(1))).toBe(false);
  });
});

describe('whole-document validation', () => {
  it('accepts the default policy', () => {
    expect(policyDocumentIssues(defaultPolicy)).toEqual([]);
  });

  it.each([
    [{ dividends: { cashBasisPoints: 1999 } }, 'dividends.cashBasisPoints'],
    [{ payouts: { schedule: 'weekly', day: 9 } }, 'payouts.day'],
    [{ fares: { commissionBasisPoints: 9000, commonFundBasisPoints: 2000 } }, 'fares.commissionBasisPoints'],
    [{ governance: { membershipClasses: [] } }, 'governance.membershipClasses'],
    [{ governance: { governanceThresholdBasisPoints: 4000 } }, 'governance.governanceThresholdBasisPoints'],
    [{ surprise: 1 }, '(root)'],
    [{ matching: { offerTimeoutSeconds: -1 } }, 'matching'],
  ])('refuses %j at %s', (patch, path) => {
    const issues = policyDocumentIssues(applyMergePatch(base, patch as JsonValue));
    expect(issues.map((i) => i.path)).toContain(path);
  });
});

describe('the tally rule', () => {
  it('counts abstentions for the quorum and not for the threshold', () => {
    // 10 eligible, quorum 20%: 2 ballots needed. 1 yes + 1 abstain: quorum met, 1/1 yes.
    expect(tallyVotes(['yes', 'abstain'], 10, rules, false)).toMatchObject({ cast: 2, quorumMet: true, thresholdMet: true, passed: true });
    // 1 yes alone: 10% turnout, quorum missed.
    expect(tallyVotes(['yes'], 10, rules, false)).toMatchObject({ quorumMet: false, passed: false });
    // Only abstentions: quorum met, no yes, so it fails.
    expect(tallyVotes(['abstain', 'abstain'], 10, rules, false)).toMatchObject({ quorumMet: true, thresholdMet: false, passed: false });
  });

  it('needs more than half for an ordinary change and two thirds for a governance change', () => {
    const half: Choice[] = ['yes', 'no'];
    expect(tallyVotes(half, 2, rules, false).passed).toBe(false); // 5000 < 5001
    const twoThirds: Choice[] = ['yes', 'yes', 'no'];
    expect(tallyVotes(twoThirds, 3, rules, false).passed).toBe(true);
    expect(tallyVotes(twoThirds, 3, rules, true)).toMatchObject({ thresholdBasisPoints: 6667, passed: false }); // 20000 < 20001
    expect(tallyVotes(['yes', 'yes', 'yes', 'no'], 4, rules, true).passed).toBe(true);
  });

  it('agrees with the rule in exact rational arithmetic for any ballots', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<Choice>('yes', 'no', 'abstain'), { maxLength: 60 }), fc.nat(60), fc.boolean(), (choices, extra, sup) => {
        const eligible = choices.length + extra;
        const t = tallyVotes(choices, eligible, rules, sup);
        expect(t.yes + t.no + t.abstain).toBe(choices.length);
        const threshold = (sup ? rules.governanceThresholdBasisPoints : rules.thresholdBasisPoints) / 10_000;
        expect(t.quorumMet).toBe(eligible > 0 && choices.length / eligible >= rules.quorumBasisPoints / 10_000 - 1e-12);
        expect(t.thresholdMet).toBe(t.yes > 0 && t.yes / (t.yes + t.no) >= threshold - 1e-12);
        expect(t.passed).toBe(t.quorumMet && t.thresholdMet);
      }),
    );
  });

  it('refuses more ballots than eligible members', () => {
    expect(() => tallyVotes(['yes', 'yes'], 1, rules, false)).toThrow(RangeError);
  });
});
