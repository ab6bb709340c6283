/**
 * Optional peers (`nodemailer`, `@aws-sdk/client-s3`) are loaded only when their check
 * is configured, at its first run, so apps without them never pay for or need them.
 */
export function isOptionalPeerInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Imports an optional peer by name (resolved from the app, as a static import would be). */
export async function loadOptionalPeer<T>(name: string): Promise<T> {
  return (await import(name)) as T;
}
