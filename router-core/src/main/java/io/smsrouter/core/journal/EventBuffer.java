package io.smsrouter.core.journal;

import java.util.Arrays;

/**
 * Where journal events (and checkpoint records) are encoded before they go to a file: a growable
 * byte array written in exactly the layout Chronicle Bytes writes and reads (little-endian
 * numbers, Chronicle's stop-bit numbers, strings as their UTF-8 length in a stop-bit number then
 * the bytes, each {@code char} encoded on its own as Chronicle does, {@code -1} for null,
 * booleans as {@code 'Y'} or {@code 'N'}), so that the journal stays readable with Chronicle's
 * {@code readUtf8}, {@code readStopBit} and the rest.
 *
 * <p>Plain array stores instead of Chronicle's checked writes: encoding the accepted event of each
 * message (seven strings) through an on-heap {@code Bytes} was about 7% of the router's event
 * loops at full load, most of it bounds and state checks per byte. One buffer per writing thread;
 * not thread-safe.
 */
public final class EventBuffer {
    private byte[] bytes;
    private int size;

    public EventBuffer(int initialCapacity) {
        this.bytes = new byte[Math.max(16, initialCapacity)];
    }

    /** The bytes written so far: {@code array()[0 .. size())}. */
    public byte[] array() {
        return bytes;
    }

    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
    }

    /** Drops what was written after the first {@code size} bytes. */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("cannot truncate " + size + " bytes to " + newSize);
        }
        size = newSize;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
        }
    }

    public EventBuffer writeByte(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
        return this;
    }

    public EventBuffer writeUnsignedByte(int b) {
        if ((b & ~0xFF) != 0) {
            throw new IllegalArgumentException("not an unsigned byte: " + b);
        }
        return writeByte(b);
    }

    public EventBuffer writeBoolean(boolean flag) {
        return writeByte(flag ? 'Y' : 'N');
    }

    public EventBuffer writeInt(int v) {
        ensure(Integer.BYTES);
        byte[] a = bytes;
        int p = size;
        a[p] = (byte) v;
        a[p + 1] = (byte) (v >>> 8);
        a[p + 2] = (byte) (v >>> 16);
        a[p + 3] = (byte) (v >>> 24);
        size = p + Integer.BYTES;
        return this;
    }

    public EventBuffer writeLong(long v) {
        ensure(Long.BYTES);
        byte[] a = bytes;
        int p = size;
        for (int i = 0; i < Long.BYTES; i++) {
            a[p + i] = (byte) (v >>> (8 * i));
        }
        size = p + Long.BYTES;
        return this;
    }

    /** Chronicle's stop-bit number: 7 bits a byte, low first, the top bit set on all but the last; a negative one as its complement, ending in a 0 byte. */
    public EventBuffer writeStopBit(long n) {
        ensure(11);
        byte[] a = bytes;
        int p = size;
        boolean negative = n < 0;
        if (negative) {
            n = ~n;
        }
        long rest;
        while ((rest = n >>> 7) != 0) {
            a[p++] = (byte) (0x80 | n);
            n = rest;
        }
        if (negative) {
            a[p++] = (byte) (0x80 | n);
            a[p++] = 0;
        } else {
            a[p++] = (byte) n;
        }
        size = p;
        return this;
    }

    /** A string as Chronicle's {@code writeUtf8} writes it (see the class comment). */
    public EventBuffer writeUtf8(String s) {
        if (s == null) {
            return writeStopBit(-1);
        }
        int n = s.length();
        int utf = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0x7F) {
                utf += c <= 0x7FF ? 1 : 2;
            }
        }
        writeStopBit(utf);
        ensure(utf);
        byte[] a = bytes;
        int p = size;
        if (utf == n) {
            for (int i = 0; i < n; i++) {
                a[p + i] = (byte) s.charAt(i);
            }
            size = p + n;
            return this;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c <= 0x7F) {
                a[p++] = (byte) c;
            } else if (c <= 0x7FF) {
                a[p++] = (byte) (0xC0 | (c >> 6) & 0x1F);
                a[p++] = (byte) (0x80 | c & 0x3F);
            } else {
                a[p++] = (byte) (0xE0 | (c >> 12) & 0x0F);
                a[p++] = (byte) (0x80 | (c >> 6) & 0x3F);
                a[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        size = p;
        return this;
    }

    public EventBuffer write(byte[] data) {
        ensure(data.length);
        System.arraycopy(data, 0, bytes, size, data.length);
        size += data.length;
        return this;
    }
}
