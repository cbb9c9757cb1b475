import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MemberRole, returnedRows } from '@coop/platform';

export interface MemberRow {
  id: string;
  email: string;
  passwordHash: string;
  displayName: string;
  role: MemberRole;
  approvedAt: Date | null;
}

const columns = `id, email, password_hash AS "passwordHash", display_name AS "displayName", role, approved_at AS "approvedAt"`;

/** Members in PostgreSQL. Emails are unique case-insensitively (a unique index on lower(email)). */
@Injectable()
export class MembersRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts a member; returns undefined when the email is taken. */
  async insert(member: Omit<MemberRow, 'id' | 'approvedAt'>): Promise<string | undefined> {
    try {
      const rows: { id: string }[] = await this.db.query(
        `INSERT INTO members (email, password_hash, display_name, role) VALUES ($1, $2, $3, $4) RETURNING id`,
        [member.email, member.passwordHash, member.displayName, member.role],
      );
      return rows[0].id;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return undefined;
      throw error;
    }
  }

  async findByEmail(email: string): Promise<MemberRow | undefined> {
    const rows: MemberRow[] = await this.db.query(`SELECT ${columns} FROM members WHERE lower(email) = lower($1)`, [email]);
    return rows[0];
  }

  async findById(id: string): Promise<MemberRow | undefined> {
    const rows: MemberRow[] = await this.db.query(`SELECT ${columns} FROM members WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Marks a driver approved (once; a second approval keeps the first time). */
  async approveDriver(id: string, approvedBy: string): Promise<Date> {
    const rows = returnedRows<{ approvedAt: Date }>(await this.db.query(
      `UPDATE members SET approved_at = COALESCE(approved_at, now()), approved_by = COALESCE(approved_by, $2)
       WHERE id = $1 RETURNING approved_at AS "approvedAt"`,
      [id, approvedBy],
    ));
    return rows[0].approvedAt;
  }

  async anyAdmin(): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM members WHERE role = 'admin' LIMIT 1`);
    return rows.length > 0;
  }
}
