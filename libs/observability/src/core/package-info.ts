import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface PackageJson {
  name: string;
  version: string;
}

// Read at runtime rather than imported: `package.json` sits outside `rootDir`,
// and this path is the same from `src/core/` (ts-jest) and `dist/core/` (published).
const pkg = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
) as PackageJson;

/** The npm package name, used as the OpenTelemetry instrumentation scope. */
export const PACKAGE_NAME = pkg.name;
/** The npm package version, used as the OpenTelemetry instrumentation scope version. */
export const PACKAGE_VERSION = pkg.version;
/** Where error messages send people for the fix. */
export const README_URL =
  'https://github.com/prs/nestjs-observability/blob/main/README.md';
