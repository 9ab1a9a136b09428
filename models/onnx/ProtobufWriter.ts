/**
 * A minimal protobuf (proto3 wire format) writer: varints, 64-bit integers, strings, bytes, packed
 * int64 and nested messages, written in the order the caller gives. It exists so the ONNX scoring
 * graph can be serialised on a TV as well as in the cloud, from one module and with identical
 * bytes, without shipping protobufjs to the device. Callers write fields in ascending field
 * number, which is the canonical order protobufjs (and every protoc-generated encoder) uses, so
 * the output matches theirs byte for byte.
 *
 * Large byte fields (the int8 item table) are kept as references and copied once, into the final
 * buffer, by {@link ProtobufWriter.finish}.
 *
 * @example
 * ```ts
 * const entry = new ProtobufWriter().string(1, 'ondeck.items').string(2, '100000');
 * const bytes = new ProtobufWriter().int64(1, 8).message(14, entry).finish();
 * ```
 */
export class ProtobufWriter {
  /** Completed chunks, in order. Small scalar writes collect in `pending` first. */
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private chunkBytes = 0;

  /** Encoded size so far, in bytes. */
  get byteLength(): number {
    return this.chunkBytes + this.pending.length;
  }

  /** Field `field` as a varint of a non-negative integer (uint32 / uint64 / enum / bool). */
  uint(field: number, value: number): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  /**
   * Field `field` as an int64 varint. Negative values take ten bytes (two's complement over 64
   * bits), as the protobuf spec requires for int64.
   */
  int64(field: number, value: number): this {
    this.tag(field, 0);
    this.signedVarint(value);
    return this;
  }

  /** Field `field` as a UTF-8 string. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Field `field` as length-delimited bytes (kept by reference until {@link finish}). */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.byteLength);
    this.append(value);
    return this;
  }

  /** Field `field` as a packed repeated int64 (ONNX tensor `dims`). */
  packedInt64(field: number, values: readonly number[]): this {
    const packed = new ProtobufWriter();
    for (const value of values) packed.signedVarint(value);
    return this.message(field, packed);
  }

  /** Field `field` as an embedded message built by another writer. */
  message(field: number, nested: ProtobufWriter): this {
    this.tag(field, 2);
    this.varint(nested.byteLength);
    nested.flush();
    for (const chunk of nested.chunks) this.append(chunk);
    return this;
  }

  /** The encoded message in one new buffer. */
  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.chunkBytes);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** Base-128 varint of a non-negative safe integer (division, not bit operations, above 2³¹). */
  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`protobuf varint out of range: ${value}`);
    let rest = value;
    while (rest >= 0x80) {
      this.pending.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.pending.push(rest);
  }

  private signedVarint(value: number): void {
    if (value >= 0) {
      this.varint(value);
      return;
    }
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf int64 out of range: ${value}`);
    // Two's complement over 64 bits as (low, high) 32-bit words: no BigInt, which the oldest TV
    // engines lack.
    const highSigned = Math.floor(value / 0x100000000);
    let low = value - highSigned * 0x100000000;
    let high = highSigned >>> 0;
    // A negative int64 always has its top bit set, so it takes the full ten 7-bit groups.
    for (let group = 0; group < 9; group++) {
      this.pending.push((low & 0x7f) | 0x80);
      low = (low >>> 7) | ((high & 0x7f) << 25);
      high >>>= 7;
    }
    this.pending.push(low & 0x01);
  }

  private append(chunk: Uint8Array): void {
    this.flush();
    this.chunks.push(chunk);
    this.chunkBytes += chunk.byteLength;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const bytes = Uint8Array.from(this.pending);
    this.pending = [];
    this.chunks.push(bytes);
    this.chunkBytes += bytes.byteLength;
  }
}
