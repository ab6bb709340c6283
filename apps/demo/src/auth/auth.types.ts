/** Roles of the demo's users. */
export type Role = 'sales' | 'manager';

/** The authenticated caller, set on `request.user` by `AuthGuard`. */
export interface AuthUser {
  id: number;
  role: Role;
}
