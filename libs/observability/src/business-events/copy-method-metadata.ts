import 'reflect-metadata';

/**
 * Makes `wrapper` stand in for `original`: same `name` and `length`, and every Reflect
 * metadata entry already defined on `original` (`@Get()` paths, `@Roles()`, guards,
 * `@OnEvent()` listeners, Swagger operations, ...), so decorators applied before
 * ours keep working. Decorators applied after ours write to `wrapper` itself, which
 * is the `descriptor.value` they receive.
 */
export function copyMethodMetadata(
  original: (...args: never[]) => unknown,
  wrapper: (...args: never[]) => unknown,
): void {
  Object.defineProperty(wrapper, 'name', {
    value: original.name,
    configurable: true,
  });
  Object.defineProperty(wrapper, 'length', {
    value: original.length,
    configurable: true,
  });
  for (const key of Reflect.getOwnMetadataKeys(original)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, original), wrapper);
  }
}
