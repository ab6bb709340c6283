import { SetMetadata } from '@nestjs/common';
import type { Role } from './auth.types';

export const ROLES_KEY = 'demo:roles';

/** Only callers with one of these roles pass `AuthGuard` (403 otherwise). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
