package io.smsrouter.core.moderation;

import io.smsrouter.core.message.Message;

import java.util.List;

/**
 * A message accepted (the client has its {@code submit_sm_resp} 0) and waiting for a moderator.
 *
 * @param operatorId    the operator its route chose at acceptance
 * @param text          the decoded text, as the moderator reads it
 * @param textMatches   stop words found in the text, with offsets into {@code text}
 * @param senderMatches stop words found in the sender name, with offsets into the sender name
 */
public record HeldMessage(Message message, String operatorId, HoldReason reason, String text,
                          List<Match> textMatches, List<Match> senderMatches, long heldAtMs) {

    public HeldMessage {
        textMatches = List.copyOf(textMatches);
        senderMatches = List.copyOf(senderMatches);
    }

    public long id() {
        return message.id();
    }

    /**
     * Messages of one mailing share it: same account, sender name and text. Moderators approve or
     * reject a whole campaign at once.
     */
    public String campaignKey() {
        return campaignKey(message.accountId(), message.source(), text);
    }

    public static String campaignKey(String accountId, String sender, String text) {
        long h = 0xcbf29ce484222325L;
        h = mix(h, accountId);
        h = mix(h, sender);
        h = mix(h, text);
        return String.format("%016x", h);
    }

    private static long mix(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= 0xFFFF; // separator, so that ("ab","c") and ("a","bc") differ
        return h * 0x100000001b3L;
    }
}
