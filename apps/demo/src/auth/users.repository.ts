import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import type { Role } from './auth.types';

/** A `prs_demo.users` row. */
export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly db: Database) {}

  async findByUsername(username: string): Promise<UserRow | undefined> {
    const rows = await this.db.query<UserRow>(
      'SELECT id, username, password_hash, role FROM prs_demo.users WHERE username = $1',
      [username],
    );
    return rows[0];
  }

  /** Inserts a sales user; `undefined` when the name is taken. */
  async create(
    username: string,
    passwordHash: string,
  ): Promise<UserRow | undefined> {
    const rows = await this.db.query<UserRow>(
      `INSERT INTO prs_demo.users (username, password_hash, role) VALUES ($1, $2, 'sales')
       ON CONFLICT (username) DO NOTHING RETURNING id, username, password_hash, role`,
      [username, passwordHash],
    );
    return rows[0];
  }
}
