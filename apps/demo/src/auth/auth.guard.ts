import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ActiveUsers,
  RequestContext,
  SecurityLogger,
} from '@prs/nestjs-observability';
import type { AuthUser, Role } from './auth.types';
import { ROLES_KEY } from './roles.decorator';
import { TokenService } from './token.service';

interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthUser;
}

/**
 * Verifies `Authorization: Bearer <token>`: 401 without a valid token (a security
 * line says why), 403 when `@Roles()` excludes the caller. An authenticated caller
 * becomes the request log's `user` and counts in `prs_active_users_total`.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
    private readonly security: SecurityLogger,
    private readonly activeUsers: ActiveUsers,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const header = request.headers.authorization;
    const token =
      typeof header === 'string' && header.startsWith('Bearer ')
        ? header.slice(7).trim()
        : undefined;
    if (token === undefined) {
      this.security.accessDenied({ reason: 'missing_token' });
      throw new UnauthorizedException('Missing bearer token');
    }
    const result = this.tokens.verify(token);
    if (typeof result === 'string') {
      this.security.invalidToken({ reason: result });
      throw new UnauthorizedException('Invalid or expired token');
    }
    request.user = result;
    RequestContext.setUser(result.id);
    this.activeUsers.touch(result.id);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(
      ROLES_KEY,
      [context.getHandler(), context.getClass()],
    );
    if (roles !== undefined && !roles.includes(result.role)) {
      this.security.accessDenied({ reason: 'missing_role', userId: result.id });
      throw new ForbiddenException(`Requires role ${roles.join(' or ')}`);
    }
    return true;
  }
}
