import { performance } from 'node:perf_hooks';
import { messages } from '../../core/messages';
import type { ProbeResult } from '../check-outcome';
import type { S3ClientLike } from '../health-targets.interface';
import { isOptionalPeerInstalled, loadOptionalPeer } from '../optional-peer';
import type { ResolvedHealthOptions } from '../resolved-health-options';
import { seconds } from './round';

type S3Config = NonNullable<ResolvedHealthOptions['s3']>;
interface ClientS3 {
  S3Client: new (config: object) => S3ClientLike & { destroy?(): void };
  HeadBucketCommand: new (input: { Bucket: string }) => unknown;
}

/** `HeadBucket` on the configured bucket, one attempt, aborted at the check timeout. */
export class S3Probe {
  private sdk: ClientS3 | undefined;
  private own: (S3ClientLike & { destroy?(): void }) | undefined;

  constructor(
    private readonly config: S3Config,
    private readonly timeoutMs: number,
  ) {}

  async run(signal: AbortSignal): Promise<ProbeResult> {
    const sdk = await this.load();
    const client = this.config.client ?? this.client(sdk);
    const start = performance.now();
    await client.send(
      new sdk.HeadBucketCommand({ Bucket: this.config.bucket }) as never,
      { abortSignal: signal },
    );
    return {
      healthy: true,
      data: {
        response_time: seconds(performance.now() - start),
        details: 'Storage bucket reachable',
      },
    };
  }

  /**
   * Loads the SDK and builds the client ahead of the first check (at bootstrap), so a
   * cold module load never eats into the check's timeout. Failures surface in the check.
   */
  async prepare(): Promise<void> {
    const sdk = await this.load().catch(() => undefined);
    if (sdk && !this.config.client) this.client(sdk);
  }

  /** Destroys the probe's own client, if it made one. */
  close(): Promise<void> {
    this.own?.destroy?.();
    this.own = undefined;
    return Promise.resolve();
  }

  private async load(): Promise<ClientS3> {
    if (this.sdk) return this.sdk;
    const peer = '@aws-sdk/client-s3';
    if (!isOptionalPeerInstalled(peer))
      throw new Error(messages.healthPeerMissing(peer));
    return (this.sdk = await loadOptionalPeer<ClientS3>(peer));
  }

  private client(sdk: ClientS3): S3ClientLike {
    const { region, endpoint, forcePathStyle, credentials } = this.config;
    return (this.own ??= new sdk.S3Client({
      region,
      endpoint,
      forcePathStyle,
      credentials,
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: this.timeoutMs,
        requestTimeout: this.timeoutMs,
      },
    }));
  }
}
