import { Injectable } from '@nestjs/common';
import type { PolicyDocument } from '@coop/policy';
import type { SimulationComparison } from '@coop/simulation';
import { compareInThread } from './simulation-in-thread';
import { SimulationReport, SimulationsRepository } from './simulations.repository';

/**
 * Runs the policy simulator for one proposal (the version it was built on against the
 * proposed document) and stores the report once. Deterministic, so a retry after a crash
 * computes the same report; a simulation already stored is left as it is.
 */
@Injectable()
export class ProposalSimulator {
  constructor(private readonly simulations: SimulationsRepository) {}

  /** 'stored' when this call stored the report, 'done' when it was already there, 'missing' for no such simulation. */
  async run(proposalId: string): Promise<'stored' | 'done' | 'missing'> {
    const inputs = await this.simulations.inputs(proposalId);
    if (!inputs) return 'missing';
    if (inputs.status !== 'pending') return 'done';
    const { inForce, proposed, ...rest } = await this.compare(inputs.base.document, inputs.proposed.document);
    const report: SimulationReport = {
      ...rest,
      inForce: { version: inputs.base.version, hash: inputs.base.hash, figures: inForce },
      proposed: { hash: inputs.proposed.hash, figures: proposed },
    };
    return (await this.simulations.storeReady(proposalId, report)) ? 'stored' : 'done';
  }

  /** The simulation itself, in a worker thread (seconds of CPU that would otherwise hold this process's event loop). */
  compare(inForce: PolicyDocument, proposed: PolicyDocument): Promise<SimulationComparison> {
    return compareInThread(inForce, proposed);
  }
}
