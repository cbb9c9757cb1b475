import { Controller, Get } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc } from '@coop/platform';
import { PolicyService } from './policy.service';

@Controller('v1/policy')
export class PolicyController {
  constructor(private readonly policy: PolicyService) {}

  /** The policy in force: `{ version, hash, document }` (../shared/API.md). */
  @ApiDoc({
    tag: 'policy',
    summary: 'The policy in force',
    description: 'Every parameter the members vote on; `hash` is SHA-256 of its RFC 8785 canonical JSON.',
    responses: { 200: { description: 'The policy', schema: z.object({ version: z.number().int(), hash: z.string(), document: z.looseObject({}) }) } },
  })
  @Get()
  inForce() {
    return this.policy.inForce();
  }
}
