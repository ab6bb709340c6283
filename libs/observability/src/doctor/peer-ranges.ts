import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Read at runtime like core/package-info.ts: the same path from src/doctor/ and dist/doctor/.
const pkg = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
) as { peerDependencies: Record<string, string>; engines: { node: string } };

/** The SDK's peer dependency ranges, from its package.json. */
export const PEER_RANGES: Readonly<Record<string, string>> =
  pkg.peerDependencies;
