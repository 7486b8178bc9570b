package io.smsrouter.bench.otp;

import java.nio.charset.StandardCharsets;

/**
 * The text of the bench's OTP messages: {@code OTP#<index> code <6 digits>}, GSM 7-bit default
 * alphabet (ASCII digits and letters, one octet a character). The index is the message's place in
 * the OTP stream's {@link io.smsrouter.bench.load.OpenLoopSchedule}, so whoever sees the message at
 * the operator can tell when it was meant to be sent without any shared map; the bulk texts never
 * start with {@code OTP#}.
 */
public final class OtpText {
    static final byte[] PREFIX = "OTP#".getBytes(StandardCharsets.US_ASCII);

    private OtpText() {
    }

    /** The short_message of OTP message {@code index} (at least 0). */
    public static byte[] of(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be at least 0, was " + index);
        }
        long code = (index * 7919 + 104_729) % 1_000_000;
        return String.format("OTP#%d code %06d", index, code).getBytes(StandardCharsets.US_ASCII);
    }

    /** The index an OTP text carries, or -1 when {@code text} is not one (a bulk text, garbage, null). */
    public static long index(byte[] text) {
        if (text == null || text.length <= PREFIX.length) {
            return -1;
        }
        for (int i = 0; i < PREFIX.length; i++) {
            if (text[i] != PREFIX[i]) {
                return -1;
            }
        }
        long n = 0;
        int i = PREFIX.length;
        for (; i < text.length && text[i] >= '0' && text[i] <= '9'; i++) {
            if (i - PREFIX.length >= 18) {
                return -1; // would overflow: not ours
            }
            n = n * 10 + (text[i] - '0');
        }
        if (i == PREFIX.length || (i < text.length && text[i] != ' ')) {
            return -1;
        }
        return n;
    }
}
