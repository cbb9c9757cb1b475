import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, Principal, Public, parseInput } from '@coop/platform';
import {
  checkpointResponse,
  consistencyQuerySchema,
  consistencyResponse,
  decisionsQuerySchema,
  decisionsResponse,
  fairnessQuerySchema,
  fairnessResponse,
  inclusionResponse,
  proofParamsSchema,
  proofQuerySchema,
  publicKeyResponse,
} from './audit.schemas';
import { AuditService } from './audit.service';

/**
 * The audit API (../shared/API.md, Audit). Tree heads, the public key and proofs hold only
 * hashes and are open to anyone; leaves are for members (a token), each seeing what
 * audit-view.ts allows.
 */
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @ApiDoc({
    tag: 'audit',
    summary: 'The latest signed tree head of the dispatch log',
    responses: { 200: { description: 'The checkpoint', schema: checkpointResponse } },
    errors: ['AUDIT_CHECKPOINT_UNAVAILABLE'],
  })
  @Public()
  @Get('checkpoint')
  checkpoint() {
    return this.audit.checkpoint();
  }

  @ApiDoc({
    tag: 'audit',
    summary: 'The Ed25519 key that signs checkpoints',
    responses: { 200: { description: 'The public key', schema: publicKeyResponse } },
  })
  @Public()
  @Get('public-key')
  publicKey() {
    return this.audit.publicKey();
  }

  @ApiDoc({
    tag: 'audit',
    summary: 'Log leaves in order, as the caller may see them',
    description:
      'Every member sees every leaf in its public form; drivers also see their own snapshot in decisions about them; auditors (admin) get the full records. ' +
      'Without filters: leaves [from, from + limit). With filters (kind, since, until, cell, mine): the first `limit` matching leaves from `from` on, `next` after the last one; mine=true is for drivers (400 otherwise).',
    query: decisionsQuerySchema,
    responses: { 200: { description: 'A page of leaves', schema: decisionsResponse } },
    errors: ['AUDIT_TREE_SIZE_OUT_OF_RANGE'],
  })
  @Get('decisions')
  decisions(@Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const { from, limit, ...filters } = parseInput(decisionsQuerySchema, query);
    return this.audit.decisions(from, limit, principal, filters);
  }

  @ApiDoc({
    tag: 'audit',
    summary: 'Inclusion proof of a leaf (RFC 9162 section 2.1.3)',
    params: { index: proofParamsSchema.shape.index },
    query: proofQuerySchema,
    responses: { 200: { description: 'The proof; treeSize defaults to the latest checkpoint', schema: inclusionResponse } },
    errors: ['AUDIT_INDEX_OUT_OF_RANGE', 'AUDIT_TREE_SIZE_OUT_OF_RANGE', 'AUDIT_CHECKPOINT_UNAVAILABLE'],
  })
  @Public()
  @Get('decisions/:index/proof')
  proof(@Param() params: unknown, @Query() query: unknown) {
    const { index } = parseInput(proofParamsSchema, params);
    const { treeSize } = parseInput(proofQuerySchema, query);
    return this.audit.inclusion(index, treeSize);
  }

  @ApiDoc({
    tag: 'audit',
    summary: 'Consistency proof between two tree sizes (RFC 9162 section 2.1.4)',
    query: consistencyQuerySchema,
    responses: { 200: { description: 'The proof; to defaults to the latest checkpoint', schema: consistencyResponse } },
    errors: ['AUDIT_TREE_SIZE_OUT_OF_RANGE', 'AUDIT_CHECKPOINT_UNAVAILABLE'],
  })
  @Public()
  @Get('consistency')
  consistency(@Query() query: unknown) {
    const { from, to } = parseInput(consistencyQuerySchema, query);
    return this.audit.consistency(from, to);
  }

  @ApiDoc({
    tag: 'audit',
    summary: 'Fairness of one pseudonym period, from the public log',
    description:
      'Per driver pseudonym: offers, candidacies, exclusions by reason, latest earnings; Gini of offers and of earnings per hour. ' +
      'The verifier recomputes the same figures from the leaves it verified (verify-log --fairness). Trips per driver and wait times are not in the log: `outcomes` reports them from the trips table, which a member cannot verify.',
    query: fairnessQuerySchema,
    responses: { 200: { description: 'The period\'s figures (default: the current period)', schema: fairnessResponse } },
  })
  @Get('fairness')
  fairness(@Query() query: unknown) {
    return this.audit.fairness(parseInput(fairnessQuerySchema, query).period);
  }
}
