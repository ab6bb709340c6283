import { resolve } from 'node:path';
import { isIntIn, isRecord, type OptionChecks } from '../core/option-checks';
import { DEFAULT_LOGGING_OPTIONS as D } from './logging-defaults';
import type {
  ResolvedLogFile,
  ResolvedLoggingOptions,
} from './logging-options.interface';

const CHANNELS = ['main', 'security', 'error'] as const;
const MAX_FILE_SIZE = 2 ** 40;

/** Validates `logging.files`: a path or `{ path, maxSize?, maxFiles? }` per channel, no path shared. */
export function resolveFiles(
  input: unknown,
  c: OptionChecks,
): ResolvedLoggingOptions['files'] {
  const files: ResolvedLoggingOptions['files'] = {
    main: undefined,
    security: undefined,
    error: undefined,
  };
  const o = c.section(input, 'logging.files', CHANNELS);
  if (o === undefined) return files;
  const seen = new Map<string, string>();
  for (const channel of CHANNELS) {
    const file = resolveFile(o[channel], `logging.files.${channel}`, c);
    if (file === undefined) continue;
    const other = seen.get(resolve(file.path));
    if (other !== undefined)
      c.push(
        `logging.files.${channel}.path`,
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
  c: OptionChecks,
): ResolvedLogFile | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && !isRecord(value)) {
    c.push(path, 'must be a file path or { path, maxSize?, maxFiles? }');
    return undefined;
  }
  const file: Record<string, unknown> =
    typeof value === 'string' ? { path: value } : value;
  c.knownKeys(file, path, ['path', 'maxSize', 'maxFiles']);
  const {
    path: filePath,
    maxSize = D.file.maxSize,
    maxFiles = D.file.maxFiles,
  } = file;
  const pathOk = c.check(
    typeof filePath === 'string' &&
      filePath.trim() !== '' &&
      !filePath.includes('\0'),
    `${path}.path`,
    'must be a non-empty file path',
  );
  const sizeOk = c.check(
    isIntIn(maxSize, 1024, MAX_FILE_SIZE),
    `${path}.maxSize`,
    `must be an integer number of bytes from 1024 to ${MAX_FILE_SIZE} (got ${c.show(maxSize)})`,
  );
  const filesOk = c.check(
    isIntIn(maxFiles, 1, 1000),
    `${path}.maxFiles`,
    `must be an integer from 1 to 1000 (got ${c.show(maxFiles)})`,
  );
  return pathOk && sizeOk && filesOk
    ? {
        path: filePath as string,
        maxSize: maxSize as number,
        maxFiles: maxFiles as number,
      }
    : undefined;
}
