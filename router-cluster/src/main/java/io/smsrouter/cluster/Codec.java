package io.smsrouter.cluster;

import io.smsrouter.core.correlation.Correlation;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes of the cluster's Kafka records: a version byte, then the fields in a fixed order
 * (DataOutput: big-endian numbers, modified UTF-8 strings, length-prefixed byte arrays). A record
 * of an unknown version is an error the reader logs and skips; a new field means a new version.
 */
final class Codec {
    static final byte MESSAGE = 1;
    static final byte CORRELATION = 2;
    static final byte RECEIPT = 3;
    static final byte FORWARDED = 4;
    static final byte PRESENCE = 5;
    /** {@link #MESSAGE} with what its writer charged for it (operator topics). */
    static final byte CHARGED_MESSAGE = 6;
    /** What a node charged for a message the cluster keeps outside the operator topics. */
    static final byte CHARGE = 7;

    private Codec() {
    }

    /** An accepted message on its way to the node that owns its share of {@code operatorId}. */
    static byte[] message(Message m, String originNode) {
        return write(MESSAGE, out -> {
            utf(out, originNode);
            writeMessage(out, m);
        });
    }

    /**
     * An accepted message on its way to an operator's share, with the price its writer {@code
     * originNode} reserved for it (0 when that node did not bill it): a node that settles a dead
     * node's credit counts its charges from these.
     */
    static byte[] chargedMessage(Message m, String originNode, long charge) {
        return write(CHARGED_MESSAGE, out -> {
            utf(out, originNode);
            out.writeLong(charge);
            writeMessage(out, m);
        });
    }

    /** Node {@code originNode} charged {@code amount} for message {@code messageId} of {@code accountId}. */
    record Charge(String originNode, String accountId, long messageId, long amount) {
    }

    static byte[] charge(Charge c) {
        return write(CHARGE, out -> {
            utf(out, c.originNode());
            utf(out, c.accountId());
            out.writeLong(c.messageId());
            out.writeLong(c.amount());
        });
    }

    static Charge readCharge(byte[] b) {
        return read(b, CHARGE, in -> new Charge(in.readUTF(), in.readUTF(), in.readLong(), in.readLong()));
    }

    /** {@code charge}: what {@code originNode} charged for it, 0 in a {@link #MESSAGE} record. */
    record Shipped(String originNode, Message message, long charge) {
        Shipped(String originNode, Message message) {
            this(originNode, message, 0);
        }
    }

    /** A {@link #MESSAGE} or {@link #CHARGED_MESSAGE} record. */
    static Shipped readMessage(byte[] b) {
        if (b != null && b.length > 0 && b[0] == CHARGED_MESSAGE) {
            return read(b, CHARGED_MESSAGE, in -> {
                String origin = in.readUTF();
                long charge = in.readLong();
                return new Shipped(origin, readMessage(in), charge);
            });
        }
        return read(b, MESSAGE, in -> new Shipped(in.readUTF(), readMessage(in)));
    }

    private static void writeMessage(DataOutputStream out, Message m) throws IOException {
        out.writeLong(m.id());
        utf(out, m.accountId());
        utf(out, m.serviceType());
        out.writeByte(m.sourceTon());
        out.writeByte(m.sourceNpi());
        utf(out, m.source());
        out.writeByte(m.destTon());
        out.writeByte(m.destNpi());
        utf(out, m.destination());
        out.writeByte(m.esmClass());
        out.writeByte(m.protocolId());
        out.writeByte(m.priority());
        utf(out, m.scheduleDeliveryTime());
        utf(out, m.validityPeriod());
        out.writeByte(m.registeredDelivery());
        out.writeByte(m.dataCoding());
        bytes(out, m.shortMessage());
        bytes(out, m.optionalParameters());
        out.writeLong(m.acceptedAtMs());
    }

    private static Message readMessage(DataInputStream in) throws IOException {
        return new Message(in.readLong(), in.readUTF(), in.readUTF(), in.readUnsignedByte(), in.readUnsignedByte(),
                in.readUTF(), in.readUnsignedByte(), in.readUnsignedByte(), in.readUTF(), in.readUnsignedByte(),
                in.readUnsignedByte(), in.readUnsignedByte(), in.readUTF(), in.readUTF(), in.readUnsignedByte(),
                in.readUnsignedByte(), bytes(in), bytes(in), in.readLong());
    }

    /** Operator id {@code upstreamId} of {@code operatorId} is our message {@code c.messageId()}. */
    record Correlated(String originNode, String operatorId, String upstreamId, Correlation correlation) {
    }

    static byte[] correlation(String originNode, String operatorId, String upstreamId, Correlation c) {
        return write(CORRELATION, out -> {
            utf(out, originNode);
            utf(out, operatorId);
            utf(out, upstreamId);
            out.writeLong(c.messageId());
            utf(out, c.accountId());
            out.writeByte(c.sourceTon());
            out.writeByte(c.sourceNpi());
            utf(out, c.source());
            out.writeByte(c.destTon());
            out.writeByte(c.destNpi());
            utf(out, c.destination());
            out.writeByte(c.registeredDelivery());
            out.writeLong(c.submitTimeMs());
            bytes(out, c.textStart());
        });
    }

    static Correlated readCorrelation(byte[] b) {
        return read(b, CORRELATION, in -> {
            String origin = in.readUTF();
            String operator = in.readUTF();
            String upstream = in.readUTF();
            Correlation c = new Correlation(in.readLong(), in.readUTF(), in.readUnsignedByte(), in.readUnsignedByte(),
                    in.readUTF(), in.readUnsignedByte(), in.readUnsignedByte(), in.readUTF(), in.readUnsignedByte(),
                    in.readLong(), bytes(in));
            return new Correlated(origin, operator, upstream, c);
        });
    }

    /** A receipt or a subscriber's message for an account, matched on {@code originNode}. */
    static byte[] receipt(Receipt r) {
        return write(RECEIPT, out -> {
            out.writeLong(r.messageId());
            utf(out, r.accountId());
            out.writeByte(r.sourceTon());
            out.writeByte(r.sourceNpi());
            utf(out, r.source());
            out.writeByte(r.destTon());
            out.writeByte(r.destNpi());
            utf(out, r.destination());
            utf(out, r.state().name());
            out.writeInt(r.errorCode());
            out.writeLong(r.submitTimeMs());
            out.writeLong(r.doneTimeMs());
            bytes(out, r.textStart());
            out.writeByte(r.esmClass());
            out.writeByte(r.dataCoding());
            out.writeBoolean(r.moBody() != null);
            if (r.moBody() != null) {
                bytes(out, r.moBody());
                bytes(out, r.moTlvs());
            }
        });
    }

    /** A client took receipt {@code messageId} of the record's account: no other node hands it out. */
    static byte[] forwarded(long messageId) {
        return write(FORWARDED, out -> out.writeLong(messageId));
    }

    /** Type of a record of the receipts topic ({@link #RECEIPT} or {@link #FORWARDED}). */
    static byte type(byte[] b) {
        return b.length == 0 ? 0 : b[0];
    }

    static Receipt readReceipt(byte[] b) {
        return read(b, RECEIPT, in -> {
            long id = in.readLong();
            String account = in.readUTF();
            int sourceTon = in.readUnsignedByte();
            int sourceNpi = in.readUnsignedByte();
            String source = in.readUTF();
            int destTon = in.readUnsignedByte();
            int destNpi = in.readUnsignedByte();
            String dest = in.readUTF();
            DeliveryState state = DeliveryState.valueOf(in.readUTF());
            int error = in.readInt();
            long submit = in.readLong();
            long done = in.readLong();
            byte[] text = bytes(in);
            int esm = in.readUnsignedByte();
            int coding = in.readUnsignedByte();
            boolean mo = in.readBoolean();
            byte[] body = mo ? bytes(in) : null;
            byte[] tlvs = mo ? bytes(in) : null;
            return new Receipt(id, account, sourceTon, sourceNpi, source, destTon, destNpi, dest, state, error, submit,
                    done, text, esm, coding, body, tlvs);
        });
    }

    static long readForwarded(byte[] b) {
        return read(b, FORWARDED, DataInputStream::readLong);
    }

    /**
     * A node's heartbeat: where it listens, its id slot, the accounts with a receiving session on
     * it, and the operator shares it holds (operator id to partitions).
     */
    record Presence(String nodeId, int slot, String smpp, String http, long atMs, List<String> receivers,
                    Map<String, List<Integer>> shares, Map<String, Integer> binds, Map<String, Integer> offered,
                    Map<String, Integer> away) {
        /**
         * A heartbeat without {@code away}: the operators the node stepped back from because it could
         * not bind to them (operator id to 1).
         */
        Presence(String nodeId, int slot, String smpp, String http, long atMs, List<String> receivers,
                 Map<String, List<Integer>> shares, Map<String, Integer> binds, Map<String, Integer> offered) {
            this(nodeId, slot, smpp, http, atMs, receivers, shares, binds, offered, Map.of());
        }

        /** A heartbeat without the accounts' binds and offered rates (as older nodes wrote them). */
        Presence(String nodeId, int slot, String smpp, String http, long atMs, List<String> receivers,
                 Map<String, List<Integer>> shares) {
            this(nodeId, slot, smpp, http, atMs, receivers, shares, Map.of(), Map.of());
        }
    }

    static byte[] presence(Presence p) {
        return write(PRESENCE, out -> {
            utf(out, p.nodeId());
            out.writeByte(p.slot());
            utf(out, p.smpp() == null ? "" : p.smpp());
            utf(out, p.http() == null ? "" : p.http());
            out.writeLong(p.atMs());
            out.writeInt(p.receivers().size());
            for (String a : p.receivers()) {
                utf(out, a);
            }
            out.writeInt(p.shares().size());
            for (Map.Entry<String, List<Integer>> e : p.shares().entrySet()) {
                utf(out, e.getKey());
                out.writeInt(e.getValue().size());
                for (int i : e.getValue()) {
                    out.writeInt(i);
                }
            }
            counts(out, p.binds());
            counts(out, p.offered());
            counts(out, p.away());
        });
    }

    private static void counts(DataOutputStream out, Map<String, Integer> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, Integer> e : m.entrySet()) {
            utf(out, e.getKey());
            out.writeInt(e.getValue());
        }
    }

    private static Map<String, Integer> counts(DataInputStream in) throws IOException {
        if (in.available() == 0) {
            return Map.of(); // written by a node from before these fields
        }
        int n = in.readInt();
        Map<String, Integer> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String k = in.readUTF();
            m.put(k, in.readInt());
        }
        return m;
    }

    static Presence readPresence(byte[] b) {
        return read(b, PRESENCE, in -> {
            String id = in.readUTF();
            int slot = in.readUnsignedByte();
            String smpp = in.readUTF();
            String http = in.readUTF();
            long at = in.readLong();
            int n = in.readInt();
            List<String> receivers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                receivers.add(in.readUTF());
            }
            int ops = in.readInt();
            Map<String, List<Integer>> shares = new TreeMap<>();
            for (int i = 0; i < ops; i++) {
                String op = in.readUTF();
                int k = in.readInt();
                List<Integer> parts = new ArrayList<>(k);
                for (int j = 0; j < k; j++) {
                    parts.add(in.readInt());
                }
                shares.put(op, parts);
            }
            Map<String, Integer> binds = counts(in);
            Map<String, Integer> offered = counts(in);
            Map<String, Integer> away = counts(in);
            return new Presence(id, slot, smpp.isEmpty() ? null : smpp, http.isEmpty() ? null : http, at, receivers,
                    shares, binds, offered, away);
        });
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(byte type, Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(type);
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] b, byte type, Reader<T> r) {
        if (b == null || b.length == 0 || b[0] != type) {
            throw new IllegalArgumentException("not a record of type " + type + ": "
                    + (b == null || b.length == 0 ? "empty" : "type " + b[0]));
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b, 1, b.length - 1))) {
            return r.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("record of type " + type + " cut short or malformed: " + e, e);
        }
    }

    private static void utf(DataOutputStream out, String s) throws IOException {
        out.writeUTF(s == null ? "" : s);
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        byte[] v = b == null ? new byte[0] : b;
        out.writeInt(v.length);
        out.write(v);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 20) {
            throw new IOException("byte field of length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
