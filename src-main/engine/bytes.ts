/** An exact ArrayBuffer copy of a view: the libraries' BufferSource types refuse views over shared memory. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
