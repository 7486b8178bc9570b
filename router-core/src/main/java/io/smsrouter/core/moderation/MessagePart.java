package io.smsrouter.core.moderation;

import io.smsrouter.core.message.Message;

/**
 * A message's place in a concatenated (long) message, from its UDH (information element 0x00,
 * 8-bit reference, or 0x08, 16-bit reference; esm_class bit 0x40) or from the SAR TLVs
 * ({@code sar_msg_ref_num} 0x020C, {@code sar_total_segments} 0x020E, {@code sar_segment_seqnum}
 * 0x020F).
 */
public record MessagePart(int ref, int total, int seq) {
    private static final int UDHI = 0x40;
    private static final int TAG_SAR_REF = 0x020C;
    private static final int TAG_SAR_TOTAL = 0x020E;
    private static final int TAG_SAR_SEQ = 0x020F;

    /** The message's part, or null when it is a message of its own (or its headers are malformed). */
    public static MessagePart of(Message m) {
        if ((m.esmClass() & UDHI) != 0) {
            MessagePart p = fromUdh(m.shortMessage());
            if (p != null) {
                return p;
            }
        }
        return m.optionalParameters().length == 0 ? null : fromSar(m.optionalParameters());
    }

    private static MessagePart fromUdh(byte[] sm) {
        if (sm.length == 0) {
            return null;
        }
        int end = 1 + (sm[0] & 0xFF);
        if (end > sm.length) {
            return null;
        }
        int i = 1;
        while (i + 2 <= end) {
            int iei = sm[i] & 0xFF;
            int len = sm[i + 1] & 0xFF;
            int data = i + 2;
            if (data + len > end) {
                return null;
            }
            if (iei == 0x00 && len == 3) {
                return part(sm[data] & 0xFF, sm[data + 1] & 0xFF, sm[data + 2] & 0xFF);
            }
            if (iei == 0x08 && len == 4) {
                return part(((sm[data] & 0xFF) << 8) | (sm[data + 1] & 0xFF), sm[data + 2] & 0xFF,
                        sm[data + 3] & 0xFF);
            }
            i = data + len;
        }
        return null;
    }

    private static MessagePart fromSar(byte[] tlvs) {
        int ref = -1;
        int total = -1;
        int seq = -1;
        int i = 0;
        while (i + 4 <= tlvs.length) {
            int tag = ((tlvs[i] & 0xFF) << 8) | (tlvs[i + 1] & 0xFF);
            int len = ((tlvs[i + 2] & 0xFF) << 8) | (tlvs[i + 3] & 0xFF);
            int v = i + 4;
            if (v + len > tlvs.length) {
                return null;
            }
            if (tag == TAG_SAR_REF && len == 2) {
                ref = ((tlvs[v] & 0xFF) << 8) | (tlvs[v + 1] & 0xFF);
            } else if (tag == TAG_SAR_TOTAL && len == 1) {
                total = tlvs[v] & 0xFF;
            } else if (tag == TAG_SAR_SEQ && len == 1) {
                seq = tlvs[v] & 0xFF;
            }
            i = v + len;
        }
        return ref < 0 || total < 0 || seq < 0 ? null : part(ref, total, seq);
    }

    private static MessagePart part(int ref, int total, int seq) {
        return total < 2 || seq < 1 || seq > total ? null : new MessagePart(ref, total, seq);
    }
}
