"""MS-OVBA 2.4.1 compression, the CompressedContainer of every stream of a VBA project."""

from __future__ import annotations


def ovba_compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 compression (the CompressedContainer of every VBA stream), used in place
    of ms-ovba's own compressor, which corrupts streams longer than about 1 KB
    (ms_ovba_compression 1.0.1: its own decompressor and oletools both fail to get the
    input back). Chunks of 4096 bytes; copy tokens found by a 3-byte hash chain."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = _compress_chunk(chunk)
        if len(body) > 4096:  # incompressible: a raw chunk of exactly 4096 bytes
            if len(chunk) != 4096:
                raise ValueError("MS-OVBA cannot store a short incompressible last chunk raw")
            out += (0x3000 | 4095).to_bytes(2, "little") + chunk
        else:
            out += (0xB000 | (len(body) + 2 - 3)).to_bytes(2, "little") + body
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytearray:
    """One chunk's token sequences (flag byte, then up to 8 literal bytes or copy tokens)."""
    body = bytearray()
    pos, end = 0, len(chunk)
    index: dict[bytes, list[int]] = {}
    while pos < end:
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            bit_count = max((pos - 1).bit_length(), 4) if pos > 0 else 4
            max_length = (0xFFFF >> bit_count) + 3
            best_len, best_off = 0, 0
            if pos > 0 and end - pos >= 3:
                for cand in reversed(index.get(chunk[pos:pos + 3], [])):
                    length = 3
                    limit = min(max_length, end - pos)
                    while length < limit and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                body += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = best_len
            else:
                body.append(chunk[pos])
                step = 1
            for p in range(pos, pos + step):
                if p + 3 <= end:
                    index.setdefault(chunk[p:p + 3], []).append(p)
            pos += step
        body[flag_at] = flags
    return body


__all__ = ["ovba_compress"]
