package io.smsrouter.server.it;

import com.cloudhopper.commons.util.windowing.WindowFuture;
import com.cloudhopper.smpp.PduAsyncResponse;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.QuerySm;
import com.cloudhopper.smpp.pdu.QuerySmResp;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.tlv.Tlv;
import com.cloudhopper.smpp.type.Address;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bound ch-smpp session and what came back on it: submit_sm_resp outcomes (answered
 * asynchronously through the session's window) and every deliver_sm, each answered with
 * deliver_sm_resp 0.
 */
public final class ChSession implements AutoCloseable {
    private static final Pattern TEXT_ID = Pattern.compile("(?:^| )id:(\\S+)");
    private static final Pattern TEXT_STAT = Pattern.compile("(?:^| )stat:(\\S+)");

    /** A deliver_sm received: its esm_class, the receipted_message_id TLV, the text's id: and stat:, message_state. */
    public record Receipt(int esmClass, String tlvId, String textId, String stat, int messageState, String text) {
        boolean isReceipt() {
            return (esmClass & 0x3C) == SmppConstants.ESM_CLASS_MT_SMSC_DELIVERY_RECEIPT;
        }
    }

    private final SmppSession session;
    private final Handler handler;
    private final AtomicInteger sent = new AtomicInteger();

    public ChSession(SmppSession session, Handler handler) {
        this.session = session;
        this.handler = handler;
    }

    public SmppSession session() {
        return session;
    }

    /**
     * Sends {@code n} submit_sm through the session's window (at most window-size unanswered at
     * once: the call blocks while the window is full); responses are collected as they come.
     */
    public void submitAsync(int n, int registeredDelivery) throws Exception {
        for (int i = 0; i < n; i++) {
            SubmitSm sm = submitSm(sent.incrementAndGet(), registeredDelivery);
            session.sendRequestPdu(sm, 60_000, false);
        }
    }

    /** One submit_sm, waiting for its response. */
    public SubmitSmResp submit(int registeredDelivery) throws Exception {
        SubmitSmResp resp = session.submit(submitSm(sent.incrementAndGet(), registeredDelivery), 10_000);
        if (resp.getCommandStatus() == SmppConstants.STATUS_OK) {
            handler.ok(resp.getMessageId());
        } else {
            handler.failed(resp.getCommandStatus());
        }
        return resp;
    }

    /** One submit_sm with this sender and text (UCS-2 when it is not ASCII), waiting for its response. */
    public SubmitSmResp submitText(String sender, String destination, String text, int registeredDelivery) throws Exception {
        SubmitSm sm = new SubmitSm();
        sm.setSourceAddress(new Address((byte) 5, (byte) 0, sender));
        sm.setDestAddress(new Address((byte) 1, (byte) 1, destination));
        sm.setRegisteredDelivery((byte) registeredDelivery);
        boolean ascii = text.chars().allMatch(c -> c < 0x80);
        sm.setDataCoding(ascii ? SmppConstants.DATA_CODING_DEFAULT : SmppConstants.DATA_CODING_UCS2);
        sm.setShortMessage(text.getBytes(ascii ? StandardCharsets.US_ASCII : StandardCharsets.UTF_16BE));
        SubmitSmResp resp = session.submit(sm, 10_000);
        if (resp.getCommandStatus() == SmppConstants.STATUS_OK) {
            handler.ok(resp.getMessageId());
        } else {
            handler.failed(resp.getCommandStatus());
        }
        return resp;
    }

    /** Every deliver_sm received, as cloudhopper decoded it. */
    public List<DeliverSm> rawDeliverSms() {
        return List.copyOf(handler.raw);
    }

    /** The receipt received for this router id, or null. */
    public Receipt receiptFor(String messageId) {
        for (Receipt r : handler.received) {
            if (r.isReceipt() && messageId.equals(r.tlvId())) {
                return r;
            }
        }
        return null;
    }

    public QuerySmResp query(String messageId) throws Exception {
        QuerySm q = new QuerySm();
        q.setMessageId(messageId);
        q.setSourceAddress(new Address((byte) 5, (byte) 0, "Shop"));
        @SuppressWarnings({"unchecked", "rawtypes"})
        WindowFuture<Integer, PduRequest, PduResponse> f = session.sendRequestPdu((PduRequest) q, 10_000, true);
        if (!f.await() || !f.isSuccess()) {
            throw new AssertionError("query_sm " + messageId + " not answered: " + f.getCause());
        }
        return (QuerySmResp) f.getResponse();
    }

    public static SubmitSm submitSm(int n, int registeredDelivery) throws Exception {
        SubmitSm sm = new SubmitSm();
        sm.setSourceAddress(new Address((byte) 5, (byte) 0, "Shop"));
        sm.setDestAddress(new Address((byte) 1, (byte) 1, String.format("7916%07d", n % 10_000_000)));
        sm.setRegisteredDelivery((byte) registeredDelivery);
        sm.setDataCoding(SmppConstants.DATA_CODING_DEFAULT);
        sm.setShortMessage(("message " + n).getBytes(StandardCharsets.ISO_8859_1));
        return sm;
    }

    /** submit_sm_resp with status 0 received (duplicates of one id counted each time). */
    public int okCount() {
        return handler.okCount.get();
    }

    public Set<String> okIds() {
        return handler.okIds;
    }

    /** Ids that came back in more than one OK submit_sm_resp. */
    public Set<String> duplicateIds() {
        return handler.duplicateIds;
    }

    /** Non-zero submit_sm_resp statuses and how often each came. */
    public Map<Integer, Integer> failures() {
        Map<Integer, Integer> m = new ConcurrentHashMap<>();
        handler.failures.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public int failedCount() {
        return handler.failures.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public int expiredCount() {
        return handler.expired.get();
    }

    public int answeredCount() {
        return okCount() + failedCount();
    }

    public List<Receipt> deliverSms() {
        return new ArrayList<>(handler.received);
    }

    public int deliverSmCount() {
        return handler.received.size();
    }

    /** Router ids named by receipts received, from the receipted_message_id TLV. */
    public Set<String> receiptIds() {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (Receipt r : handler.received) {
            if (r.isReceipt() && r.tlvId() != null) {
                ids.add(r.tlvId());
            }
        }
        return ids;
    }

    @Override
    public void close() {
        try {
            if (session.isBound()) {
                session.unbind(2_000);
            }
        } catch (RuntimeException ignored) {
            // already gone
        }
        session.destroy();
    }

    static final class Handler extends DefaultSmppSessionHandler {
        final AtomicInteger okCount = new AtomicInteger();
        final Set<String> okIds = ConcurrentHashMap.newKeySet();
        final Set<String> duplicateIds = ConcurrentHashMap.newKeySet();
        final Map<Integer, AtomicInteger> failures = new ConcurrentHashMap<>();
        final AtomicInteger expired = new AtomicInteger();
        final ConcurrentLinkedQueue<Receipt> received = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<DeliverSm> raw = new ConcurrentLinkedQueue<>();

        void ok(String id) {
            if (!okIds.add(id)) {
                duplicateIds.add(id);
            }
            okCount.incrementAndGet();
        }

        void failed(int status) {
            failures.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void fireExpectedPduResponseReceived(PduAsyncResponse r) {
            if (r.getResponse() instanceof SubmitSmResp resp) {
                if (resp.getCommandStatus() == SmppConstants.STATUS_OK) {
                    ok(resp.getMessageId());
                } else {
                    failed(resp.getCommandStatus());
                }
            }
        }

        @Override
        @SuppressWarnings("rawtypes")
        public PduResponse firePduRequestReceived(PduRequest request) {
            if (request instanceof DeliverSm d) {
                raw.add(d);
                received.add(parse(d));
            }
            return request.createResponse();
        }

        @Override
        public void firePduRequestExpired(PduRequest request) {
            expired.incrementAndGet();
        }

        private static Receipt parse(DeliverSm d) {
            String text = new String(d.getShortMessage(), StandardCharsets.ISO_8859_1);
            return new Receipt(d.getEsmClass() & 0xFF, tlvString(d.getOptionalParameter(SmppConstants.TAG_RECEIPTED_MSG_ID)),
                    group(TEXT_ID, text), group(TEXT_STAT, text),
                    tlvByte(d.getOptionalParameter(SmppConstants.TAG_MSG_STATE)), text);
        }

        private static String group(Pattern p, String text) {
            Matcher m = p.matcher(text);
            return m.find() ? m.group(1) : null;
        }

        private static String tlvString(Tlv t) {
            if (t == null) {
                return null;
            }
            byte[] v = t.getValue();
            int len = v.length;
            while (len > 0 && v[len - 1] == 0) {
                len--;
            }
            return new String(v, 0, len, StandardCharsets.ISO_8859_1);
        }

        private static int tlvByte(Tlv t) {
            return t == null || t.getValue().length == 0 ? -1 : t.getValue()[0] & 0xFF;
        }
    }
}
