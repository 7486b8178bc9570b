package io.smsrouter.bench.jmh;

import io.smsrouter.core.message.Message;

import java.nio.charset.StandardCharsets;

/** A typical accepted message: a 40-character GSM text with a receipt asked for. */
final class Messages {
    static final byte[] TEXT = "Your code is 482913. Do not share it.   ".getBytes(StandardCharsets.US_ASCII);

    private Messages() {
    }

    static Message typical(long id, String destination, long nowMs) {
        return new Message(id, "shop", "", 5, 0, "Shop", 1, 1, destination, 0, 0, 0, "", "", 1, 0, TEXT, null, nowMs);
    }
}
