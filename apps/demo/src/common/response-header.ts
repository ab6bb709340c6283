/** The part of Express's `Response` and Fastify's `FastifyReply` both share. */
export interface HeaderSetter {
  header(name: string, value: string): unknown;
}
