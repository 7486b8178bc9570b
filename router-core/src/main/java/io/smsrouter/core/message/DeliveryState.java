package io.smsrouter.core.message;

/**
 * Message states with their SMPP 3.4 {@code message_state} numbers (§5.2.28) and the
 * {@code stat:} words of the receipt text (Appendix B).
 */
public enum DeliveryState {
    ENROUTE(1, "ENROUTE"),
    DELIVERED(2, "DELIVRD"),
    EXPIRED(3, "EXPIRED"),
    DELETED(4, "DELETED"),
    UNDELIVERABLE(5, "UNDELIV"),
    ACCEPTED(6, "ACCEPTD"),
    UNKNOWN(7, "UNKNOWN"),
    REJECTED(8, "REJECTD");

    private static final DeliveryState[] BY_CODE = new DeliveryState[9];

    static {
        for (DeliveryState s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final int code;
    private final String stat;

    DeliveryState(int code, String stat) {
        this.code = code;
        this.stat = stat;
    }

    public int code() {
        return code;
    }

    public String stat() {
        return stat;
    }

    /** ENROUTE and ACCEPTED are intermediate: more receipts may follow. */
    public boolean isFinal() {
        return this != ENROUTE && this != ACCEPTED;
    }

    public static DeliveryState fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }

    /** Parses a receipt's {@code stat:} word; unknown words map to UNKNOWN. */
    public static DeliveryState fromStat(CharSequence stat) {
        for (DeliveryState s : values()) {
            if (s.stat.contentEquals(stat)) {
                return s;
            }
        }
        String upper = stat.toString().toUpperCase(java.util.Locale.ROOT);
        return switch (upper) {
            case "DELIVRD", "DELIVERED" -> DELIVERED;
            case "UNDELIV", "UNDELIVERABLE", "FAILED" -> UNDELIVERABLE;
            case "REJECTD", "REJECTED" -> REJECTED;
            case "EXPIRED" -> EXPIRED;
            case "DELETED" -> DELETED;
            case "ACCEPTD", "ACCEPTED" -> ACCEPTED;
            case "ENROUTE" -> ENROUTE;
            default -> UNKNOWN;
        };
    }
}
