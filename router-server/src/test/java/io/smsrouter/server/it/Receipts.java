package io.smsrouter.server.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks on the delivery receipts (deliver_sm) a client received. */
final class Receipts {
    private Receipts() {
    }

    /**
     * Exactly one receipt per acknowledged id and nothing else: each a deliver_sm with esm_class
     * 0x04, stat:DELIVRD and message_state 2, whose receipted_message_id TLV and text {@code id:}
     * both name an id the router gave in a submit_sm_resp.
     */
    static void assertOneReceiptPerId(List<ChSession.Receipt> received, Set<String> ackedIds) {
        assertAllWellFormed(received, ackedIds);
        Map<String, Integer> perId = new HashMap<>();
        for (ChSession.Receipt r : received) {
            perId.merge(r.tlvId(), 1, Integer::sum);
        }
        List<String> twice = new ArrayList<>();
        perId.forEach((id, n) -> {
            if (n > 1) {
                twice.add(id + " x" + n);
            }
        });
        assertThat(twice).as("ids with more than one receipt").isEmpty();
        assertThat(received).as("receipts").hasSize(ackedIds.size());
        assertThat(perId.keySet()).as("ids named by receipts").isEqualTo(ackedIds);
    }

    /** Every deliver_sm is a DELIVRD receipt for one of {@code ackedIds}, TLV and text agreeing. */
    static void assertAllWellFormed(List<ChSession.Receipt> received, Set<String> ackedIds) {
        List<ChSession.Receipt> bad = new ArrayList<>();
        for (ChSession.Receipt r : received) {
            boolean ok = r.esmClass() == 0x04
                    && r.tlvId() != null
                    && r.tlvId().equals(r.textId())
                    && ackedIds.contains(r.tlvId())
                    && "DELIVRD".equals(r.stat())
                    && r.messageState() == 2;
            if (ok) {
                continue;
            }
            bad.add(r);
        }
        assertThat(bad).as("deliver_sm that are not a DELIVRD receipt (esm_class 0x04, receipted_message_id = text id:,"
                + " message_state 2) for an acknowledged id").isEmpty();
    }

    /** Acknowledged ids that no receipt has named yet. */
    static List<String> missing(Set<String> ackedIds, List<ChSession.Receipt> received) {
        Set<String> seen = new HashSet<>();
        for (ChSession.Receipt r : received) {
            seen.add(r.tlvId());
        }
        List<String> out = new ArrayList<>();
        for (String id : ackedIds) {
            if (!seen.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }
}
