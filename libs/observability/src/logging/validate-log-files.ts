import { resolve } from 'node:path';
import { DEFAULT_LOGGING_OPTIONS as D } from './logging-defaults';
import type {
  LogFileOptions,
  ResolvedLogFile,
  ResolvedLoggingOptions,
} from './logging-options.interface';
import { isIntIn, isRecord, show } from './option-checks';

/** Reports one problem under `logging`; `path` starts with `.`. */
export type AddProblem = (path: string, message: string) => void;

const CHANNELS = ['main', 'security', 'error'] as const;
const MAX_FILE_SIZE = 2 ** 40;

/** Validates `logging.files`: a path or `{ path, maxSize?, maxFiles? }` per channel, no path shared. */
export function resolveFiles(
  input: unknown,
  add: AddProblem,
): ResolvedLoggingOptions['files'] {
  const files: ResolvedLoggingOptions['files'] = {
    main: undefined,
    security: undefined,
    error: undefined,
  };
  if (input === undefined) return files;
  if (!isRecord(input)) {
    add('.files', 'must be an object');
    return files;
  }
  for (const key of Object.keys(input))
    if (!(CHANNELS as readonly string[]).includes(key))
      add(`.files.${key}`, `unknown option (known: ${CHANNELS.join(', ')})`);
  const seen = new Map<string, string>();
  for (const channel of CHANNELS) {
    const file = resolveFile(input[channel], `.files.${channel}`, add);
    if (file === undefined) continue;
    const other = seen.get(resolve(file.path));
    if (other !== undefined)
      add(
        `.files.${channel}.path`,
        `must differ from logging.files.${other}.path`,
      );
    seen.set(resolve(file.path), channel);
    files[channel] = file;
  }
  return files;
}

function resolveFile(
  value: unknown,
  path: string,
  add: AddProblem,
): ResolvedLogFile | undefined {
  if (value === undefined) return undefined;
  const file: Partial<LogFileOptions> & Record<string, unknown> =
    typeof value === 'string' ? { path: value } : isRecord(value) ? value : {};
  if (typeof value !== 'string' && !isRecord(value)) {
    add(path, 'must be a file path or { path, maxSize?, maxFiles? }');
    return undefined;
  }
  for (const key of Object.keys(file))
    if (!['path', 'maxSize', 'maxFiles'].includes(key))
      add(`${path}.${key}`, 'unknown option (known: path, maxSize, maxFiles)');
  const {
    path: filePath,
    maxSize = D.file.maxSize,
    maxFiles = D.file.maxFiles,
  } = file;
  let ok = true;
  if (
    typeof filePath !== 'string' ||
    filePath.trim() === '' ||
    filePath.includes('\0')
  ) {
    add(`${path}.path`, 'must be a non-empty file path');
    ok = false;
  }
  if (!isIntIn(maxSize, 1024, MAX_FILE_SIZE)) {
    add(
      `${path}.maxSize`,
      `must be an integer number of bytes from 1024 to ${MAX_FILE_SIZE} (got ${show(maxSize)})`,
    );
    ok = false;
  }
  if (!isIntIn(maxFiles, 1, 1000)) {
    add(
      `${path}.maxFiles`,
      `must be an integer from 1 to 1000 (got ${show(maxFiles)})`,
    );
    ok = false;
  }
  return ok ? { path: filePath as string, maxSize, maxFiles } : undefined;
}
