import { randomUUID } from 'node:crypto';
import {
  ConflictException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ActiveUsers,
  RequestContext,
  SecurityLogger,
  TrackBusinessEvent,
} from '@prs/nestjs-observability';
import { BodyReader } from '../common/body-reader';
import { hashPassword, verifyPassword } from './password-hasher';
import { TokenService } from './token.service';
import { UsersRepository } from './users.repository';

const USERNAME = /^[a-z0-9][a-z0-9_.-]*$/;

/** The answer to a successful login. */
export interface LoginResult {
  token: string;
  token_type: 'Bearer';
  expires_at: string;
  user: { id: number; username: string; role: string };
}

@Injectable()
export class AuthService {
  private readonly decoy = hashPassword(randomUUID());

  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly security: SecurityLogger,
    private readonly activeUsers: ActiveUsers,
  ) {}

  /**
   * Every attempt is a `user_login` event: a wrong password, an unknown user and an
   * invalid body are failures (what the `HighLoginFailureRate` alert watches).
   */
  @TrackBusinessEvent('user_login')
  async login(body: unknown): Promise<LoginResult> {
    const reader = new BodyReader(body, ['username', 'password']);
    const username = reader.string('username', 1, 64);
    const password = reader.string('password', 1, 128);
    reader.done();
    const user = await this.users.findByUsername(username.toLowerCase());
    // An unknown name costs the same hash as a known one: timing tells nothing.
    const ok = await verifyPassword(
      password,
      user?.password_hash ?? (await this.decoy),
    );
    if (!user || !ok) {
      this.security.loginFailed({
        username,
        reason: user ? 'bad_password' : 'unknown_user',
      });
      throw new UnauthorizedException('Invalid username or password');
    }
    RequestContext.setUser(user.id);
    this.activeUsers.touch(user.id);
    const { token, expiresAt } = this.tokens.issue(user);
    return {
      token,
      token_type: 'Bearer',
      expires_at: expiresAt,
      user: { id: user.id, username: user.username, role: user.role },
    };
  }

  /** Creates a sales user: 201, 409 when the name is taken, 400 when invalid. */
  async register(
    body: unknown,
  ): Promise<{ id: number; username: string; role: string }> {
    const reader = new BodyReader(body, ['username', 'password']);
    const username = reader.string('username', 3, 32, USERNAME);
    const password = reader.string('password', 8, 128);
    reader.done();
    const user = await this.users.create(
      username,
      await hashPassword(password),
    );
    if (!user) throw new ConflictException(`Username ${username} is taken`);
    return { id: user.id, username: user.username, role: user.role };
  }
}
