import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionChecks } from '../core/option-checks';
import { ObservabilityConfigError } from '../core/observability-config.error';

/** JSON settings of the PM2 group, set in the ecosystem file's `env` (docs/cluster.md). */
export const PM2_ENV = 'PRS_OBSERVABILITY_PM2';

/** Unix socket paths longer than this do not fit `sockaddr_un` on Linux (108 bytes with the NUL). */
const MAX_SOCKET_PATH = 107;

/** How the instances of one PM2 cluster-mode app answer `/metrics` for each other. */
export interface Pm2GroupSettings {
  /** The group directory: each instance's socket and snapshot file, and the retired totals. */
  dir: string;
  /** PM2's id of this instance (`pm_id`), the `worker` label. */
  label: string;
  collectTimeoutMs: number;
  pushIntervalMs: number;
  workerLabel: boolean;
}

const KNOWN = [
  'enabled',
  'dir',
  'collectTimeoutMs',
  'pushIntervalMs',
  'workerLabel',
] as const;

/**
 * The group settings when this process is an instance of a PM2 cluster-mode app (PM2 sets
 * `exec_mode=cluster_mode`, `pm_id` and `name` in its environment) and the group is not
 * turned off, else `undefined`.
 *
 * @throws ObservabilityConfigError listing every problem of {@link PM2_ENV}.
 */
export function pm2GroupSettings(
  env: NodeJS.ProcessEnv = process.env,
): Pm2GroupSettings | undefined {
  if (env.exec_mode !== 'cluster_mode' || env.pm_id === undefined)
    return undefined;
  const c = new OptionChecks([]);
  let raw: unknown;
  try {
    raw = JSON.parse(env[PM2_ENV] || '{}') as unknown;
  } catch {
    c.push(PM2_ENV, 'must be a JSON object (it does not parse)');
  }
  const o = c.section(raw, PM2_ENV, KNOWN) ?? {};
  const enabled = c.boolean(o.enabled, true, `${PM2_ENV}.enabled`);
  const app = (env.name ?? 'app').replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 40);
  const uid = process.getuid?.() ?? 0;
  const settings: Pm2GroupSettings = {
    dir: c.string(
      o.dir,
      join(tmpdir(), `prs-pm2-${uid}-${app}`),
      `${PM2_ENV}.dir`,
    ),
    label: env.pm_id,
    collectTimeoutMs: c.integer(
      o.collectTimeoutMs,
      1_000,
      `${PM2_ENV}.collectTimeoutMs`,
      10,
      60_000,
    ),
    pushIntervalMs: c.integer(
      o.pushIntervalMs,
      5_000,
      `${PM2_ENV}.pushIntervalMs`,
      100,
      3_600_000,
    ),
    workerLabel: c.boolean(o.workerLabel, false, `${PM2_ENV}.workerLabel`),
  };
  // `<dir>/<pid>.sock` with the longest pid (7 digits).
  c.check(
    join(settings.dir, '4194304.sock').length <= MAX_SOCKET_PATH,
    `${PM2_ENV}.dir`,
    `must be short enough for a Unix socket path (at most ${MAX_SOCKET_PATH - 13} characters; got ${settings.dir.length})`,
  );
  if (c.problems.length > 0)
    throw new ObservabilityConfigError('PM2 cluster metrics', c.problems);
  return enabled ? settings : undefined;
}
