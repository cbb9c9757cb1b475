import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  APP_CONFIG,
  AccessTokenCodec,
  AppConfig,
  Clock,
  DomainError,
  MemberRole,
  hashPassword,
  verifyPassword,
} from '@coop/platform';
import { MembersRepository } from './members.repository';

export interface Registration {
  email: string;
  password: string;
  displayName: string;
  role: Extract<MemberRole, 'rider' | 'driver'>;
}

// A real hash to compare against when the email is unknown, so a failed sign-in takes the
// same time whether or not the account exists.
const decoyHash = hashPassword('decoy password for timing');

/** Registration, sign-in, driver approval, and the first admin from configuration. */
@Injectable()
export class MembersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('members');

  constructor(
    private readonly members: MembersRepository,
    private readonly tokens: AccessTokenCodec,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(input: Registration): Promise<string> {
    const id = await this.members.insert({
      email: input.email,
      passwordHash: await hashPassword(input.password),
      displayName: input.displayName,
      role: input.role,
    });
    if (!id) throw new DomainError('EMAIL_TAKEN');
    return id;
  }

  async issueToken(email: string, password: string): Promise<{ accessToken: string; memberId: string; role: MemberRole; expiresAt: string }> {
    const member = await this.members.findByEmail(email);
    const ok = await verifyPassword(password, member?.passwordHash ?? (await decoyHash));
    if (!member || !ok) throw new DomainError('INVALID_CREDENTIALS');
    const now = this.clock.nowMs();
    const ttl = this.config.ACCESS_TOKEN_TTL_SECONDS;
    return {
      accessToken: this.tokens.issue({ memberId: member.id, role: member.role }, now, ttl),
      memberId: member.id,
      role: member.role,
      expiresAt: new Date(now + ttl * 1000).toISOString(),
    };
  }

  async approveDriver(memberId: string, adminId: string): Promise<{ memberId: string; approvedAt: string }> {
    const member = await this.members.findById(memberId);
    if (!member) throw new DomainError('MEMBER_NOT_FOUND');
    if (member.role !== 'driver') throw new DomainError('NOT_A_DRIVER');
    const approvedAt = await this.members.approveDriver(memberId, adminId);
    return { memberId, approvedAt: approvedAt.toISOString() };
  }

  async profile(memberId: string) {
    const member = await this.members.findById(memberId);
    if (!member) throw new DomainError('MEMBER_NOT_FOUND');
    return {
      memberId: member.id,
      email: member.email,
      displayName: member.displayName,
      role: member.role,
      approved: member.role !== 'driver' || member.approvedAt !== null,
    };
  }

  /** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD when no admin exists yet. */
  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.config;
    if (!email || !password || (await this.members.anyAdmin())) return;
    const id = await this.members.insert({
      email,
      passwordHash: await hashPassword(password),
      displayName: 'Administrator',
      role: 'admin',
    });
    if (id) this.logger.log({ msg: 'created the first admin from configuration', memberId: id });
  }
}
