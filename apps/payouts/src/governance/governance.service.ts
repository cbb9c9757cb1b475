import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Choice, applyMergePatch, changesGovernance, diffDocuments, policyDocumentIssues, tallyVotes } from '@coop/governance';
import type { JsonValue } from '@coop/money';
import { DomainError, Principal } from '@coop/platform';
import { PolicyDocument, PolicyVersion, policyHash } from '@coop/policy';
import { ProposalSimulationJob } from './proposal-simulation.job';
import { CloseDecision, CloseInputs, ProposalRecord, ProposalsRepository } from './proposals.repository';
import { SimulationRecord, SimulationsRepository } from './simulations.repository';

export interface ProposeInput {
  title: string;
  rationale?: string;
  patch: Record<string, unknown>;
  effectiveAt?: string;
}

/**
 * The outcome of a close, from what the close saw (pure). A proposal built on a version that
 * is no longer the newest is `superseded`: members voted on a diff against rules that have
 * since changed, so it is tallied but never applied. Quorum and threshold are those of the
 * version the proposal was built on, which is the version in force at the close whenever the
 * proposal can pass.
 */
export function decideClose(inputs: CloseInputs): CloseDecision {
  const tally = tallyVotes(inputs.choices, inputs.eligible, inputs.base.document.governance, inputs.proposal.supermajority);
  if (inputs.latestVersion !== inputs.proposal.baseVersion) return { tally, status: 'superseded' };
  return { tally, status: tally.passed ? 'passed' : 'rejected' };
}

/**
 * Policy governance: members of the classes the policy lists propose changes (a merge patch
 * on the version in force, checked as a whole new document), vote once each (changeable
 * until the close), and a passed proposal becomes a new row of `policies`, which dispatch
 * reads by effective time and the audit log records with its tally.
 */
@Injectable()
export class GovernanceService {
  constructor(
    private readonly proposals: ProposalsRepository,
    private readonly simulations: SimulationsRepository,
    private readonly simulationJobs: ProposalSimulationJob,
  ) {}

  async propose(proposer: Principal, input: ProposeInput): Promise<ProposalRecord> {
    const base = await this.proposals.inForce();
    await this.assertVotingMember(proposer, base);
    const candidate = applyMergePatch(base.document as unknown as JsonValue, input.patch as JsonValue);
    const issues = policyDocumentIssues(candidate);
    if (issues.length > 0) {
      throw new DomainError('POLICY_INVALID', `the proposed policy is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
    }
    const document = candidate as unknown as PolicyDocument;
    const changes = diffDocuments(base.document as unknown as JsonValue, candidate);
    if (changes.length === 0) throw new DomainError('PROPOSAL_NO_CHANGE');
    const hash = policyHash(document);
    if (await this.proposals.hashTaken(hash)) throw new DomainError('PROPOSAL_DUPLICATES_VERSION');
    const windowHours = base.document.governance.votingWindowHours;
    const effectiveAt = input.effectiveAt === undefined ? undefined : new Date(input.effectiveAt);
    if (effectiveAt && effectiveAt.getTime() < Date.now() + windowHours * 3_600_000) {
      throw new DomainError('VALIDATION_FAILED', `effectiveAt must not be before the window closes (${windowHours} h from now)`, [
        { path: 'effectiveAt', message: 'before the close of the voting window' },
      ]);
    }
    const proposal = await this.proposals.insert(
      { proposerId: proposer.memberId, title: input.title, rationale: input.rationale ?? '', base, patch: input.patch, document, hash, changes, supermajority: changesGovernance(changes), ...(effectiveAt ? { effectiveAt } : {}) },
      windowHours,
    );
    // Not awaited: the simulation row is already stored, and when Redis is slow or refuses the
    // job, the sweep enqueues it later; the proposer does not wait for either.
    void this.simulationJobs.enqueue(proposal.id).catch(() => undefined);
    return proposal;
  }

  /** The simulation report of a proposal: pending until its job stores it. */
  async simulation(proposalId: string): Promise<SimulationRecord> {
    await this.get(proposalId);
    const found = await this.simulations.find(proposalId);
    if (!found) throw new DomainError('NOT_FOUND', 'this proposal has no simulation');
    return found;
  }

  async get(id: string): Promise<ProposalRecord> {
    const found = await this.proposals.find(id);
    if (!found) throw new DomainError('PROPOSAL_NOT_FOUND');
    return found;
  }

  list(status: string | undefined, limit: number): Promise<ProposalRecord[]> {
    return this.proposals.list(status, limit);
  }

  /** Casts or changes the caller's own ballot; the receipt stays that of the first ballot. */
  async vote(voter: Principal, proposalId: string, choice: Choice) {
    const proposal = await this.get(proposalId);
    await this.assertVotingMember(voter, await this.proposals.version(proposal.baseVersion));
    return this.proposals.castBallot(proposalId, voter.memberId, choice, randomBytes(16).toString('hex'));
  }

  async myBallot(voter: Principal, proposalId: string) {
    await this.get(proposalId);
    const ballot = await this.proposals.ballotOf(proposalId, voter.memberId);
    if (!ballot) throw new DomainError('NOT_FOUND', 'you have not voted on this proposal');
    return ballot;
  }

  /** The ballots (receipt, choice) and the tally, once the window has closed, so any member can recount. */
  async published(proposalId: string) {
    const proposal = await this.get(proposalId);
    if (proposal.status === 'open') throw new DomainError('VOTING_STILL_OPEN', `the ballots are published after ${proposal.closesAt}`);
    return { proposalId, tally: proposal.tally!, ballots: await this.proposals.publishedBallots(proposalId) };
  }

  /** Closes one proposal whose window has ended (idempotent). */
  close(proposalId: string): Promise<ProposalRecord> {
    return this.proposals.close(proposalId, decideClose);
  }

  /** Closes every proposal whose window has ended (the scheduled job). */
  async closeDue(): Promise<ProposalRecord[]> {
    const closed: ProposalRecord[] = [];
    for (const id of await this.proposals.due()) closed.push(await this.close(id));
    return closed;
  }

  private async assertVotingMember(who: Principal, policy: PolicyVersion): Promise<void> {
    const member = await this.proposals.member(who.memberId);
    const classes: readonly string[] = policy.document.governance.membershipClasses;
    if (!member || !classes.includes(member.role) || (member.role === 'driver' && !member.approved)) {
      throw new DomainError('NOT_A_VOTING_MEMBER', `members of the classes ${classes.join(', ')} vote under policy version ${policy.version}`);
    }
  }
}
