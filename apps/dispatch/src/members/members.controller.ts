import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc, CurrentPrincipal, Principal, Public, Roles, parseInput, uuidSchema } from '@coop/platform';
import { credentialsSchema, profileSchema, registeredSchema, registrationSchema, tokenSchema } from './members.schemas';
import { MembersService } from './members.service';

@Controller('v1')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @ApiDoc({
    tag: 'members',
    summary: 'Register as a rider or a driver',
    description: 'Drivers can take trips only once an admin approves them. Passwords are hashed with scrypt.',
    body: registrationSchema,
    responses: { 201: { description: 'Registered', schema: registeredSchema } },
    errors: ['EMAIL_TAKEN'],
    idempotent: true,
  })
  @Public()
  @Post('auth/register')
  async register(@Body() body: unknown) {
    return { memberId: await this.members.register(parseInput(registrationSchema, body)) };
  }

  @ApiDoc({
    tag: 'members',
    summary: 'Exchange email and password for an access token',
    body: credentialsSchema,
    responses: { 200: { description: 'A bearer token for the API and the socket handshake', schema: tokenSchema } },
    errors: ['INVALID_CREDENTIALS'],
  })
  @Public()
  @Post('auth/token')
  @HttpCode(200)
  token(@Body() body: unknown) {
    const { email, password } = parseInput(credentialsSchema, body);
    return this.members.issueToken(email, password);
  }

  @ApiDoc({
    tag: 'members',
    summary: 'Approve a driver so they can go online and take trips',
    params: { memberId: uuidSchema },
    responses: { 200: { description: 'Approved (approving twice keeps the first approval time)', schema: z.object({ memberId: uuidSchema, approvedAt: z.string().datetime() }) } },
    errors: ['MEMBER_NOT_FOUND', 'NOT_A_DRIVER'],
    idempotent: true,
  })
  @Roles('admin')
  @Post('admin/drivers/:memberId/approve')
  @HttpCode(200)
  approve(@Param('memberId') memberId: string, @CurrentPrincipal() admin: Principal) {
    return this.members.approveDriver(parseInput(uuidSchema, memberId), admin.memberId);
  }

  @ApiDoc({ tag: 'members', summary: 'The calling member', responses: { 200: { description: 'Profile', schema: profileSchema } }, errors: ['MEMBER_NOT_FOUND'] })
  @Get('members/me')
  me(@CurrentPrincipal() principal: Principal) {
    return this.members.profile(principal.memberId);
  }
}
