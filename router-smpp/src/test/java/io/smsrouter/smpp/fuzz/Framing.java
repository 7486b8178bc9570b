package io.smsrouter.smpp.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code SmppFrameDecoder} must make of a byte stream, worked out here without it: the stream
 * cut by command_length (SMPP 3.4 section 3.2) under the limits the README documents. The fuzz
 * targets compare the decoder's output with this, unit by unit.
 */
final class Framing {

    static final int HEADER_LENGTH = 16;

    /** One thing the decoder must emit, in stream order. */
    sealed interface Unit permits Frame, Oversized, Broken {
    }

    /** A whole PDU within the limit: {@code length} bytes from {@code offset}, decoded or refused. */
    record Frame(int offset, int length, int commandId, int commandStatus, int sequenceNumber) implements Unit {
    }

    /** command_length over the limit: answered with ESME_RINVCMDLEN, then skipped. */
    record Oversized(long commandLength, int commandId, int sequenceNumber) implements Unit {
    }

    /** command_length under 16: the stream cannot be resynchronised; nothing after it counts. */
    record Broken(long commandLength) implements Unit {
    }

    private Framing() {
    }

    static List<Unit> of(byte[] data, int maxPduLength) {
        List<Unit> units = new ArrayList<>();
        int at = 0;
        while (data.length - at >= 4) {
            long length = u32(data, at);
            if (length < HEADER_LENGTH) {
                units.add(new Broken(length));
                break;
            }
            if (length > maxPduLength) {
                if (data.length - at < HEADER_LENGTH) {
                    break; // the decoder waits for the header to know the sequence number
                }
                units.add(new Oversized(length, i32(data, at + 4), i32(data, at + 12)));
                if (data.length - at < length) {
                    break; // the rest of the stream is discarded as part of this PDU
                }
                at += (int) length;
                continue;
            }
            if (data.length - at < length) {
                break; // incomplete: the decoder waits
            }
            units.add(new Frame(at, (int) length, i32(data, at + 4), i32(data, at + 8), i32(data, at + 12)));
            at += (int) length;
        }
        return units;
    }

    static long u32(byte[] b, int at) {
        return i32(b, at) & 0xFFFFFFFFL;
    }

    static int i32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
