import type { Provider } from '@nestjs/common';
import {
  ACTIVE_USERS_CLOCK,
  type ActiveUsersClock,
} from './active-users.constants';
import { ActiveUsers } from './active-users.service';

const monotonicClock: ActiveUsersClock = () => performance.now();

/** @internal What `ObservabilityModule` provides for active users. */
export const ACTIVE_USERS_PROVIDERS: Provider[] = [
  { provide: ACTIVE_USERS_CLOCK, useValue: monotonicClock },
  ActiveUsers,
];

/** @internal What `ObservabilityModule` exports for active users. */
export const ACTIVE_USERS_EXPORTS = [ActiveUsers];
