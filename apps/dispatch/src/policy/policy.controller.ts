import { Controller, Get } from '@nestjs/common';
import { PolicyService } from './policy.service';

@Controller('v1/policy')
export class PolicyController {
  constructor(private readonly policy: PolicyService) {}

  /** The policy in force: `{ version, hash, document }` (../shared/API.md). */
  @Get()
  inForce() {
    return this.policy.inForce();
  }
}
