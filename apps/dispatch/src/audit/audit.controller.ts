import { Controller, Get, Param, Query } from '@nestjs/common';
import { CurrentPrincipal, Principal, Public, parseInput } from '@coop/platform';
import { consistencyQuerySchema, decisionsQuerySchema, proofParamsSchema, proofQuerySchema } from './audit.schemas';
import { AuditService } from './audit.service';

/**
 * The audit API (../shared/API.md, Audit). Tree heads, the public key and proofs hold only
 * hashes and are open to anyone; leaves are for members (a token), each seeing what
 * audit-view.ts allows.
 */
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Public()
  @Get('checkpoint')
  checkpoint() {
    return this.audit.checkpoint();
  }

  @Public()
  @Get('public-key')
  publicKey() {
    return this.audit.publicKey();
  }

  @Get('decisions')
  decisions(@Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const { from, limit } = parseInput(decisionsQuerySchema, query);
    return this.audit.decisions(from, limit, principal);
  }

  @Public()
  @Get('decisions/:index/proof')
  proof(@Param() params: unknown, @Query() query: unknown) {
    const { index } = parseInput(proofParamsSchema, params);
    const { treeSize } = parseInput(proofQuerySchema, query);
    return this.audit.inclusion(index, treeSize);
  }

  @Public()
  @Get('consistency')
  consistency(@Query() query: unknown) {
    const { from, to } = parseInput(consistencyQuerySchema, query);
    return this.audit.consistency(from, to);
  }
}
