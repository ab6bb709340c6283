/**
 * A growable protobuf writer for the OTLP trace encoder. Nested messages reserve the
 * bytes their length usually takes and move their content only when it takes more,
 * so a message is written once, with no sizing pass. Callers `ensure()` room before
 * writing fixed-size parts; strings and byte copies ensure their own.
 */
export class ProtobufWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialSize: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, initialSize));
  }

  /** Makes room for `bytes` more bytes. */
  ensure(bytes: number): void {
    const needed = this.pos + bytes;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** One byte (a tag below field 16, or a varint below 128); room already ensured. */
  byte(value: number): void {
    this.buf[this.pos++] = value;
  }

  /** A one-byte tag (field below 16). */
  tag(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** An unsigned varint of a non-negative integer below 2^64 (exact up to 2^53). */
  varint(value: number): void {
    this.ensure(10);
    const buf = this.buf;
    let v = value;
    while (v > 0x7f) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v = v > 0xffffffff ? Math.floor(v / 128) : v >>> 7;
    }
    buf[this.pos++] = v;
  }

  /** A negative int64 as protobuf writes it: its two's complement, ten bytes. */
  negativeVarint(value: number): void {
    this.ensure(10);
    let v = BigInt.asUintN(64, BigInt(value));
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.uint32(value >>> 0);
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** A fixed64 or sfixed64: eight little-endian bytes, two's complement when negative. */
  fixed64(value: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, value), this.pos);
    this.pos += 8;
  }

  /**
   * An OpenTelemetry HrTime ([seconds, nanoseconds]) as fixed64 nanoseconds, split so
   * that no intermediate product passes 2^53.
   */
  hrTime(time: readonly [number, number]): void {
    this.ensure(8);
    const [seconds, nanos] = time;
    const low16 = (seconds % 0x10000) * 1e9; // < 2^46
    const high = Math.floor(seconds / 0x10000) * 1e9; // times 2^16 below
    // The low 32 bits with their carry (below 2^34); `>>> 0` keeps the low 32 of each.
    const low = (low16 % 0x100000000) + (high % 0x10000) * 0x10000 + nanos;
    this.uint32(low >>> 0);
    this.uint32(
      (Math.floor(low16 / 0x100000000) +
        Math.floor(high / 0x10000) +
        Math.floor(low / 0x100000000)) >>>
        0,
    );
  }

  /** Four little-endian bytes; room already ensured. */
  private uint32(value: number): void {
    const buf = this.buf;
    buf[this.pos++] = value;
    buf[this.pos++] = value >>> 8;
    buf[this.pos++] = value >>> 16;
    buf[this.pos++] = value >>> 24;
  }

  /** A length-delimited UTF-8 string. */
  string(value: string): void {
    const length = value.length;
    if (length < 0x80) {
      // Short ASCII, the usual attribute: copied in one loop behind a one-byte length.
      this.ensure(length + 1);
      const buf = this.buf;
      let p = this.pos + 1;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code > 0x7f) break;
        buf[p++] = code;
      }
      if (i === length) {
        buf[this.pos] = length;
        this.pos = p;
        return;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(value, this.pos, bytes, 'utf8');
  }

  /** Length-delimited bytes from a hex string (trace and span ids). */
  hexBytes(hex: string): void {
    const length = hex.length >>> 1;
    if (length >= 0x80) return this.bytes(Buffer.from(hex, 'hex'));
    this.ensure(length + 1);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = length;
    for (let i = 0; i < hex.length; i += 2)
      buf[p++] =
        (NIBBLES[hex.charCodeAt(i)]! << 4) | NIBBLES[hex.charCodeAt(i + 1)]!;
    this.pos = p;
  }

  /** Length-delimited raw bytes. */
  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Bytes already encoded (a cached key). */
  raw(value: Uint8Array): void {
    this.ensure(value.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < value.length; i++) buf[p++] = value[i] as number;
    this.pos = p;
  }

  /** Bytes already encoded (a span encoded when it ended): `from[start, end)`, copied natively. */
  copyRange(from: Buffer, start: number, end: number): void {
    this.ensure(end - start);
    this.pos += from.copy(this.buf, this.pos, start, end);
  }

  /**
   * Starts a nested message after its tag, reserving `reserved` bytes for its length
   * (what such a message usually needs); returns where its content starts.
   */
  open(reserved: number): number {
    this.ensure(reserved);
    this.pos += reserved;
    return this.pos;
  }

  /**
   * Writes the length of the message {@link open} started at `start`, first moving its
   * content when the length takes more or fewer bytes than were reserved.
   */
  close(start: number, reserved: number): void {
    const length = this.pos - start;
    const needed =
      length < 0x80
        ? 1
        : length < 0x4000
          ? 2
          : length < 0x200000
            ? 3
            : length < 0x10000000
              ? 4
              : 5;
    if (needed !== reserved) {
      this.ensure(needed - reserved);
      this.buf.copy(this.buf, start - reserved + needed, start, this.pos);
      this.pos += needed - reserved;
    }
    const buf = this.buf;
    let at = start - reserved;
    let v = length;
    while (v > 0x7f) {
      buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[at] = v;
  }

  /** The bytes written (a view of this writer's buffer). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/**
 * Hex digit values by character code (either case; anything else reads as 0, and ids
 * come validated from the SDK). A table lookup instead of two comparisons per digit.
 */
const NIBBLES = new Uint8Array(0x10000);
for (let digit = 0; digit < 16; digit++) {
  const lower = digit.toString(16);
  NIBBLES[lower.charCodeAt(0)] = digit;
  NIBBLES[lower.toUpperCase().charCodeAt(0)] = digit;
}
