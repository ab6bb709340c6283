import {
  type Attributes,
  type AttributeValue,
  type Context,
  diag,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
} from '@opentelemetry/api';
import {
  AddAttributeDecision,
  addHrTimes,
  cleanAttributes,
  cleanSimpleAttributes,
  hrTime,
  hrTimeDuration,
  isTimeInput,
  isTimeInputHrTime,
  maybeAddAttribute,
  millisToHrTime,
} from '@opentelemetry/core';
import type { TimedEvent } from '@opentelemetry/sdk-trace';
import { exceptionAttributes } from './exception-attributes';
import type { SpanPipeline } from './span-pipeline.types';

/**
 * The SDK's own server and handler spans: what OpenTelemetry's `SpanImpl` does for them,
 * without what they never need (a second validation of attributes the SDK built itself,
 * the tracer's span-count instruments). Users reach these spans too (`trace.getActiveSpan()`
 * in a guard or a handler), so every `Span` method keeps OpenTelemetry's semantics and
 * limits: the same validation, truncation, dropping and warnings, through the same
 * `@opentelemetry/core` helpers. Timestamps are anchored like `SpanImpl`'s: wall clock at
 * the start, monotonic time after it. The provider's span processors see it as any
 * `ReadableSpan`.
 */
export class LeanSpan implements Span {
  name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  endTime: HrTime = [0, 0];
  duration: HrTime = [-1, -1];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly attributes: Attributes = {};
  readonly links: Link[];
  readonly events: TimedEvent[] = [];
  ended = false;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  readonly resource: SpanPipeline['resource'];
  readonly instrumentationScope: SpanPipeline['scope'];
  private attributeCount = 0;
  /** Wall clock minus monotonic clock at the start, as `SpanImpl` keeps it. */
  private readonly offset: number;
  private readonly startedAt: number;
  private readonly startTimeGiven: boolean;

  constructor(
    private readonly pipeline: SpanPipeline,
    private readonly ids: SpanContext,
    name: string,
    kind: SpanKind,
    parent: SpanContext | undefined,
    context: Context,
    /** `performance.now()` ms; now when absent. */
    startTime?: number,
    links: Link[] = [],
  ) {
    const wall = Date.now();
    this.startedAt = performance.now();
    this.offset = wall - (this.startedAt + performance.timeOrigin);
    this.startTimeGiven = startTime !== undefined;
    this.name = name;
    this.kind = kind;
    this.parentSpanContext = parent;
    this.startTime =
      startTime === undefined
        ? millisToHrTime(wall)
        : hrTime(startTime + this.offset);
    this.resource = pipeline.resource;
    this.instrumentationScope = pipeline.scope;
    const { linkCountLimit } = pipeline.limits;
    this.links =
      links.length > linkCountLimit ? links.slice(-linkCountLimit) : links;
    this.droppedLinksCount = links.length - this.links.length;
    pipeline.processor.onStart(this, context);
  }

  spanContext(): SpanContext {
    return this.ids;
  }

  /**
   * Sets an attribute the SDK built itself (a string or a number, key known good): only
   * the limits apply.
   */
  setOwnAttribute(key: string, value: string | number): void {
    const { attributeCountLimit, attributeValueLengthLimit } =
      this.pipeline.limits;
    const isNew = !Object.hasOwn(this.attributes, key);
    if (isNew && this.attributeCount >= attributeCountLimit) {
      this.droppedAttributesCount++;
      return;
    }
    this.attributes[key] =
      typeof value === 'string' && value.length > attributeValueLengthLimit
        ? value.slice(0, attributeValueLengthLimit)
        : value;
    if (isNew) this.attributeCount++;
  }

  setAttribute(key: string, value?: AttributeValue): this {
    if (this.isEnded()) return this;
    const decision = maybeAddAttribute({
      key,
      value,
      attributes: this.attributes,
      limits: this.pipeline.limits,
      currentAttributesCount: this.attributeCount,
    });
    if (decision === AddAttributeDecision.DROP_LIMIT_REACHED) {
      if (++this.droppedAttributesCount === 1)
        diag.warn('Dropping extra attributes.');
    } else if (decision === AddAttributeDecision.ADD_NEW) {
      this.attributeCount++;
    }
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes)
      if (Object.hasOwn(attributes, key))
        this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(
    name: string,
    attributesOrStartTime?: Attributes | TimeInput,
    timeStamp?: TimeInput,
  ): this {
    if (this.isEnded()) return this;
    const limits = this.pipeline.limits;
    if (limits.eventCountLimit === 0) {
      diag.warn('No events allowed.');
      this.droppedEventsCount++;
      return this;
    }
    if (this.events.length >= limits.eventCountLimit) {
      if (this.droppedEventsCount === 0) diag.debug('Dropping extra events.');
      this.events.shift();
      this.droppedEventsCount++;
    }
    let attributes = attributesOrStartTime as Attributes | undefined;
    if (isTimeInput(attributesOrStartTime)) {
      if (!isTimeInput(timeStamp)) timeStamp = attributesOrStartTime;
      attributes = undefined;
    }
    this.events.push({
      name,
      time: this.time(timeStamp),
      ...cleanSimpleAttributes(attributes, {
        attributeCountLimit: limits.attributePerEventCountLimit,
        attributeValueLengthLimit: limits.attributeValueLengthLimit,
      }),
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.isEnded()) return this;
    const limits = this.pipeline.limits;
    if (limits.linkCountLimit === 0) {
      this.droppedLinksCount++;
      return this;
    }
    if (this.links.length >= limits.linkCountLimit) {
      if (this.droppedLinksCount === 0) diag.debug('Dropping extra links.');
      this.links.shift();
      this.droppedLinksCount++;
    }
    this.links.push({
      context: link.context,
      ...cleanAttributes(link.attributes, {
        attributeCountLimit: limits.attributePerLinkCountLimit,
        attributeValueLengthLimit: limits.attributeValueLengthLimit,
      }),
    });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.isEnded()) return this;
    if (status.code === SpanStatusCode.UNSET) return this;
    if (this.status.code === SpanStatusCode.OK) return this;
    const next: SpanStatus = { code: status.code };
    if (status.code === SpanStatusCode.ERROR) {
      if (typeof status.message === 'string') next.message = status.message;
      else if (status.message != null)
        diag.warn(
          `Dropping invalid status.message of type '${typeof status.message}', expected 'string'`,
        );
    }
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (this.isEnded()) return this;
    this.name = name;
    return this;
  }

  /** Ends the span; a number is `performance.now()` ms when not after now (as in `SpanImpl`). */
  end(endTime?: TimeInput): void {
    if (this.isEnded()) {
      diag.error(
        `${this.name} ${this.ids.traceId}-${this.ids.spanId} - You can only call end() on a span once.`,
      );
      return;
    }
    this.endTime = this.time(endTime);
    this.duration = hrTimeDuration(this.startTime, this.endTime);
    if (this.duration[0] < 0) {
      diag.warn(
        'Inconsistent start and end time, startTime > endTime. Setting span duration to 0ms.',
        this.startTime,
        this.endTime,
      );
      this.endTime = [this.startTime[0], this.startTime[1]];
      this.duration = [0, 0];
    }
    if (this.droppedEventsCount > 0)
      diag.warn(
        `Dropped ${this.droppedEventsCount} events because eventCountLimit reached`,
      );
    if (this.droppedLinksCount > 0)
      diag.warn(
        `Dropped ${this.droppedLinksCount} links because linkCountLimit reached`,
      );
    const processor = this.pipeline.processor;
    processor.onEnding?.(this);
    this.ended = true;
    processor.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes = exceptionAttributes(exception);
    if (attributes !== undefined) this.addEvent('exception', attributes, time);
  }

  private time(input: TimeInput | undefined): HrTime {
    if (typeof input === 'number' && input <= performance.now())
      return hrTime(input + this.offset);
    if (typeof input === 'number') return millisToHrTime(input);
    if (input instanceof Date) return millisToHrTime(input.getTime());
    if (isTimeInputHrTime(input)) return input;
    if (this.startTimeGiven) return millisToHrTime(Date.now());
    return addHrTimes(
      this.startTime,
      millisToHrTime(performance.now() - this.startedAt),
    );
  }

  private isEnded(): boolean {
    if (this.ended)
      diag.warn(
        `Cannot execute the operation on ended Span {traceId: ${this.ids.traceId}, spanId: ${this.ids.spanId}}`,
        new Error(
          `Operation attempted on ended Span {traceId: ${this.ids.traceId}, spanId: ${this.ids.spanId}}`,
        ),
      );
    return this.ended;
  }
}
