// The few protobuf primitives the reference generators need to read and edit a sentencepiece model file.
import { createHash } from 'node:crypto';

export function varint(buffer, position) {
  let value = 0n;
  for (let shift = 0n; ; shift += 7n) {
    const b = buffer[position++];
    value |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return [value, position];
  }
}

export function encodeVarint(value) {
  const bytes = [];
  do {
    let b = value & 0x7f;
    value >>>= 7;
    if (value) b |= 0x80;
    bytes.push(b);
  } while (value);
  return Buffer.from(bytes);
}

// The top-level fields of a message: { number, wire, raw (tag included), payload (a length-delimited field's bytes) }.
export function topLevelFields(buffer) {
  const fields = [];
  for (let p = 0; p < buffer.length;) {
    const start = p;
    let tag;
    [tag, p] = varint(buffer, p);
    const wire = Number(tag & 7n);
    let payloadStart = p;
    if (wire === 0) [, p] = varint(buffer, p);
    else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else if (wire === 2) {
      let length;
      [length, p] = varint(buffer, p);
      payloadStart = p;
      p += Number(length);
    } else throw new Error(`wire type ${wire}`);
    fields.push({ number: Number(tag >> 3n), wire, raw: buffer.subarray(start, p), payload: buffer.subarray(payloadStart, p) });
  }
  return fields;
}

export function sha256(buffer) {
  return createHash('sha256').update(buffer).digest('hex');
}
