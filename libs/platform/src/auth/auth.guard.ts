import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Clock } from '../clock';
import { DomainError } from '../errors/domain-error';
import { AccessTokenCodec, MemberRole, Principal } from './access-token';

export const ROLES_METADATA = 'coop:roles';
export const PUBLIC_METADATA = 'coop:public';

/** Restricts a route to the given roles (admin passes everywhere a role list is given). */
export const Roles = (...roles: MemberRole[]) => SetMetadata(ROLES_METADATA, roles);
/** Marks a route as open to callers without a token. */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

type AuthedRequest = Request & { principal?: Principal };

/** The verified caller of an authenticated route. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new DomainError('UNAUTHENTICATED');
  return principal;
});

/** Every route needs a valid bearer token unless marked @Public(); @Roles narrows further. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenCodec,
    private readonly clock: Clock,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const principal = this.principalOf(request.headers.authorization);
    if (!principal) throw new DomainError('UNAUTHENTICATED');
    const roles = this.reflector.getAllAndOverride<MemberRole[] | undefined>(ROLES_METADATA, targets);
    if (roles && !roles.includes(principal.role) && principal.role !== 'admin') throw new DomainError('FORBIDDEN');
    request.principal = principal;
    return true;
  }

  private principalOf(header: string | undefined): Principal | undefined {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header ?? '');
    return match ? this.tokens.verify(match[1], this.clock.nowMs()) : undefined;
  }
}
