import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc, CurrentPrincipal, Principal, Roles, parseInput, uuidSchema } from '@coop/platform';
import {
  ballotRequestSchema,
  ballotSchema,
  proposalListQuerySchema,
  proposalSchema,
  proposeSchema,
  publishedBallotsSchema,
  simulationSchema,
} from './governance.schemas';
import { GovernanceService } from './governance.service';

const TALLY_RULE =
  'Quorum: ballots cast (abstentions included) x 10000 >= quorumBasisPoints x eligible members. Threshold: yes x 10000 >= ' +
  'thresholdBasisPoints x (yes + no), abstentions left out, at least one yes; governanceThresholdBasisPoints instead when ' +
  'the governance section changes. Rules and eligible classes are those of the version the proposal was built on.';

@Controller('v1/governance/proposals')
export class GovernanceController {
  constructor(private readonly governance: GovernanceService) {}

  @ApiDoc({
    tag: 'governance',
    summary: 'Propose a change to the policy',
    description:
      'The patch is an RFC 7396 JSON merge patch against the policy in force; the result must be a valid policy document as ' +
      'a whole. The voting window opens now and lasts the policy\'s votingWindowHours; `effectiveAt` (default: the close) ' +
      'is when a passed proposal comes into force. Only members of a class the policy lists may propose.',
    body: proposeSchema,
    responses: { 201: { description: 'The proposal, open for votes', schema: proposalSchema } },
    errors: ['NOT_A_VOTING_MEMBER', 'POLICY_INVALID', 'PROPOSAL_NO_CHANGE', 'PROPOSAL_DUPLICATES_VERSION'],
  })
  @Roles('driver', 'rider')
  @Post()
  propose(@Body() body: unknown, @CurrentPrincipal() member: Principal) {
    return this.governance.propose(member, parseInput(proposeSchema, body));
  }

  @ApiDoc({
    tag: 'governance',
    summary: 'Proposals, newest first',
    query: proposalListQuerySchema,
    responses: { 200: { description: 'Proposals (tallies null while open)', schema: z.object({ proposals: z.array(proposalSchema) }) } },
  })
  @Get()
  async list(@Query() query: unknown) {
    const q = parseInput(proposalListQuerySchema, query ?? {});
    return { proposals: await this.governance.list(q.status, q.limit) };
  }

  @ApiDoc({
    tag: 'governance',
    summary: 'One proposal',
    description: `The tally stays null until the window closes. ${TALLY_RULE}`,
    params: { proposalId: uuidSchema },
    responses: { 200: { description: 'The proposal', schema: proposalSchema } },
    errors: ['PROPOSAL_NOT_FOUND'],
  })
  @Get(':proposalId')
  get(@Param('proposalId') id: string) {
    return this.governance.get(parseInput(uuidSchema, id));
  }

  @ApiDoc({
    tag: 'governance',
    summary: 'The simulation report of a proposal',
    description:
      'The policy simulator (@coop/simulation) run on one fixed, seeded synthetic city under the version the proposal was ' +
      'built on and under the proposed document: rider waits, unfulfilled share, pickup distance, earnings per hour and ' +
      'their Gini, offers per driver, side by side with the differences. Computed by a background job after the proposal ' +
      'is made (status pending until then); deterministic, so anyone can rerun it. `affected: false` when the proposal ' +
      'changes nothing the simulator models (it models the matching section and the car ride fare with commission).',
    params: { proposalId: uuidSchema },
    responses: { 200: { description: 'The simulation, pending or ready', schema: simulationSchema } },
    errors: ['PROPOSAL_NOT_FOUND', 'NOT_FOUND'],
  })
  @Get(':proposalId/simulation')
  simulation(@Param('proposalId') id: string) {
    return this.governance.simulation(parseInput(uuidSchema, id));
  }

  @ApiDoc({
    tag: 'governance',
    summary: 'Cast or change your vote',
    description: 'One ballot per member per proposal, always the caller\'s own; voting again before the close replaces the choice and keeps the receipt.',
    params: { proposalId: uuidSchema },
    body: ballotRequestSchema,
    responses: { 200: { description: 'Your ballot as it now stands', schema: ballotSchema } },
    errors: ['PROPOSAL_NOT_FOUND', 'NOT_A_VOTING_MEMBER', 'VOTING_CLOSED'],
  })
  @Roles('driver', 'rider')
  @Put(':proposalId/ballot')
  vote(@Param('proposalId') id: string, @Body() body: unknown, @CurrentPrincipal() member: Principal) {
    const proposalId = parseInput(uuidSchema, id);
    return this.governance.vote(member, proposalId, parseInput(ballotRequestSchema, body).choice);
  }

  @ApiDoc({
    tag: 'governance',
    summary: 'Your own ballot on a proposal',
    params: { proposalId: uuidSchema },
    responses: { 200: { description: 'Your ballot', schema: ballotSchema } },
    errors: ['PROPOSAL_NOT_FOUND', 'NOT_FOUND'],
  })
  @Roles('driver', 'rider')
  @Get(':proposalId/ballot')
  myBallot(@Param('proposalId') id: string, @CurrentPrincipal() member: Principal) {
    return this.governance.myBallot(member, parseInput(uuidSchema, id));
  }

  @ApiDoc({
    tag: 'governance',
    summary: 'Every ballot and the tally, after the close',
    description: `Ballots by receipt (no member ids), so any member can recount and find their own. ${TALLY_RULE}`,
    params: { proposalId: uuidSchema },
    responses: { 200: { description: 'The published ballots', schema: publishedBallotsSchema } },
    errors: ['PROPOSAL_NOT_FOUND', 'VOTING_STILL_OPEN'],
  })
  @Get(':proposalId/ballots')
  ballots(@Param('proposalId') id: string) {
    return this.governance.published(parseInput(uuidSchema, id));
  }

  @ApiDoc({
    tag: 'governance',
    summary: 'Close a proposal whose window has ended',
    description:
      'Tallies and, when passed, stores the new policy version at the proposal\'s effective time (a scheduled job does the ' +
      'same every 30 s). Idempotent: a closed proposal is returned as it is. A proposal built on a version that is no ' +
      `longer the newest is superseded, never applied. ${TALLY_RULE}`,
    params: { proposalId: uuidSchema },
    responses: { 200: { description: 'The closed proposal with its tally', schema: proposalSchema } },
    errors: ['PROPOSAL_NOT_FOUND', 'VOTING_STILL_OPEN'],
  })
  @HttpCode(200)
  @Post(':proposalId/close')
  close(@Param('proposalId') id: string) {
    return this.governance.close(parseInput(uuidSchema, id));
  }
}
