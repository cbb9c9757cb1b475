import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, Principal, Public, Roles, parseInput, uuidSchema } from '@coop/platform';
import { credentialsSchema, registrationSchema } from './members.schemas';
import { MembersService } from './members.service';

@Controller('v1')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Public()
  @Post('auth/register')
  async register(@Body() body: unknown) {
    return { memberId: await this.members.register(parseInput(registrationSchema, body)) };
  }

  @Public()
  @Post('auth/token')
  @HttpCode(200)
  token(@Body() body: unknown) {
    const { email, password } = parseInput(credentialsSchema, body);
    return this.members.issueToken(email, password);
  }

  @Roles('admin')
  @Post('admin/drivers/:memberId/approve')
  @HttpCode(200)
  approve(@Param('memberId') memberId: string, @CurrentPrincipal() admin: Principal) {
    return this.members.approveDriver(parseInput(uuidSchema, memberId), admin.memberId);
  }

  @Get('members/me')
  me(@CurrentPrincipal() principal: Principal) {
    return this.members.profile(principal.memberId);
  }
}
