import 'reflect-metadata';
import {
  applyDecorators,
  type CanActivate,
  Get,
  HttpCode,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import {
  GUARDS_METADATA,
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
} from '@nestjs/common/constants';
import { lastValueFrom, type Observable, of, throwError } from 'rxjs';
import { getBusinessEventSink } from './business-event-sink';
import { BUSINESS_EVENT_METADATA } from './business-event.constants';
import { TrackBusinessEvent } from './track-business-event.decorator';

// No ObservabilityModule in this file: the decorator must be invisible.
const ROLES = 'roles';
const Roles = (...roles: string[]) => SetMetadata(ROLES, roles);
class RolesGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

const RESULT = { id: 1 };
const FAILURE = new Error('boom');

class Deals {
  calls = 0;

  // Ours is applied first (decorators apply bottom-up): the others write to the wrapper.
  @Get('first')
  @Roles('admin')
  @UseGuards(RolesGuard)
  @HttpCode(201)
  @TrackBusinessEvent('deal_creation')
  oursFirst(this: Deals, a: number, b: number): unknown {
    this.calls++;
    return { ...RESULT, sum: a + b };
  }

  // Ours is applied last: it copies what the others wrote on the original.
  @TrackBusinessEvent('deal_creation')
  @Get('last')
  @Roles('admin')
  @UseGuards(RolesGuard)
  @HttpCode(201)
  oursLast(): unknown {
    return RESULT;
  }

  // applyDecorators() ignores return values; ours mutates the descriptor in place.
  @applyDecorators(
    TrackBusinessEvent('deal_creation'),
    Get('composed'),
    Roles('admin'),
  )
  composed(): unknown {
    return RESULT;
  }

  @TrackBusinessEvent('deal_creation')
  syncThrow(): never {
    throw FAILURE;
  }

  @TrackBusinessEvent('payment_processing')
  async asyncReject(): Promise<never> {
    await Promise.resolve();
    throw FAILURE;
  }

  @TrackBusinessEvent('payment_processing')
  asyncResolve(): Promise<unknown> {
    return Promise.resolve(RESULT);
  }

  @TrackBusinessEvent('commission_calculation')
  stream(): Observable<number> {
    return of(1, 2);
  }

  @TrackBusinessEvent('user_login')
  @TrackBusinessEvent('deal_creation')
  twice(): unknown {
    return RESULT;
  }
}

describe('@TrackBusinessEvent without ObservabilityModule', () => {
  const deals = new Deals();
  const proto = Deals.prototype;

  it('is not recording anywhere', () => {
    expect(getBusinessEventSink()).toBeUndefined();
  });

  it('returns the same value and throws the same error instance', async () => {
    expect(deals.oursFirst(2, 3)).toEqual({ id: 1, sum: 5 });
    expect(deals.calls).toBe(1);
    expect(deals.oursLast()).toBe(RESULT);
    expect(() => deals.syncThrow()).toThrow(FAILURE);
    await expect(deals.asyncResolve()).resolves.toBe(RESULT);
    await expect(deals.asyncReject()).rejects.toBe(FAILURE);
    await expect(lastValueFrom(deals.stream())).resolves.toBe(2);
  });

  it('keeps name, length and every metadata entry in both orders and with applyDecorators()', () => {
    for (const key of ['oursFirst', 'oursLast', 'composed'] as const) {
      const method = proto[key];
      expect(method.name).toBe(key);
      expect(Reflect.getMetadata(ROLES, method)).toEqual(['admin']);
      expect(Reflect.getMetadata(METHOD_METADATA, method)).toBe(0); // RequestMethod.GET
      expect(Reflect.getMetadata(BUSINESS_EVENT_METADATA, method)).toEqual([
        'deal_creation',
      ]);
    }
    expect(proto.oursFirst.length).toBe(2);
    expect(Reflect.getMetadata(PATH_METADATA, proto.oursFirst)).toBe('first');
    expect(Reflect.getMetadata(PATH_METADATA, proto.oursLast)).toBe('last');
    expect(Reflect.getMetadata(PATH_METADATA, proto.composed)).toBe('composed');
    for (const key of ['oursFirst', 'oursLast'] as const) {
      expect(Reflect.getMetadata(GUARDS_METADATA, proto[key])).toEqual([
        RolesGuard,
      ]);
      expect(Reflect.getMetadata(HTTP_CODE_METADATA, proto[key])).toBe(201);
    }
  });

  it('records every event type of a stacked method', () => {
    expect(Reflect.getMetadata(BUSINESS_EVENT_METADATA, proto.twice)).toEqual([
      'deal_creation',
      'user_login',
    ]);
    expect(deals.twice()).toBe(RESULT);
  });

  it('does not subscribe for the caller', () => {
    let subscribed = 0;
    class Lazy {
      @TrackBusinessEvent('deal_creation')
      stream(): Observable<never> {
        return throwError(() => {
          subscribed++;
          return FAILURE;
        });
      }
    }
    new Lazy().stream();
    expect(subscribed).toBe(0);
  });

  it('rejects malformed event types and non-methods when the class is defined', () => {
    expect(() => TrackBusinessEvent('User Login')).toThrow(
      '@TrackBusinessEvent("User Login"): the event type must be snake_case matching /^[a-z][a-z0-9_]*$/, at most 64 characters',
    );
    expect(() => TrackBusinessEvent('x'.repeat(65))).toThrow(TypeError);
    const decorator = TrackBusinessEvent('deal_creation');
    expect(() =>
      decorator(Deals.prototype, 'calls', { value: 1 } as PropertyDescriptor),
    ).toThrow(
      '@TrackBusinessEvent("deal_creation") decorates methods; Deals.calls is not one',
    );
  });
});
