/** Injection token of the app's ioredis client, `undefined` when `REDIS_URL=off`. */
export const REDIS = 'DEMO:REDIS';
