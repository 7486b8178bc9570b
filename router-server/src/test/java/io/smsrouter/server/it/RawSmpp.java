package io.smsrouter.server.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A bare SMPP 3.4 connection over a blocking socket, for what a well-behaved client library will
 * not send: requests before a bind, unknown commands, truncated bodies, impossible lengths. PDUs
 * are built by hand from the spec's field layout (SMPP 3.4 §4).
 */
final class RawSmpp implements AutoCloseable {
    static final int GENERIC_NACK = 0x80000000;
    static final int BIND_RECEIVER = 0x00000001;
    static final int BIND_RECEIVER_RESP = 0x80000001;
    static final int DELIVER_SM = 0x00000005;
    static final int BIND_TRANSCEIVER = 0x00000009;
    static final int BIND_TRANSCEIVER_RESP = 0x80000009;
    static final int SUBMIT_SM = 0x00000004;
    static final int SUBMIT_SM_RESP = 0x80000004;
    static final int UNBIND = 0x00000006;
    static final int ENQUIRE_LINK = 0x00000015;
    static final int ENQUIRE_LINK_RESP = 0x80000015;

    /** One PDU read back: header fields and the body bytes. */
    record Pdu(int commandLength, int commandId, int status, int sequence, byte[] body) {
        /** The body's first C-octet string (message_id of a submit_sm_resp, system_id of a bind_resp). */
        String firstCString() {
            int end = 0;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            return new String(body, 0, end, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return String.format("Pdu[len=%d id=0x%08x status=0x%x seq=%d]", commandLength, commandId, status, sequence);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawSmpp(InetSocketAddress address) throws IOException {
        this.socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    void send(byte[] pdu) throws IOException {
        out.write(pdu);
        out.flush();
    }

    /** The next PDU, or null at end of stream. Throws {@link SocketTimeoutException} after 10 s of silence. */
    Pdu read() throws IOException {
        int len;
        try {
            len = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        int id = in.readInt();
        int status = in.readInt();
        int seq = in.readInt();
        byte[] body = new byte[Math.max(0, len - 16)];
        in.readFully(body);
        return new Pdu(len, id, status, seq, body);
    }

    /** The next PDU that is not an enquire_link (those are answered); null at end of stream. */
    Pdu readSkippingKeepalive() throws IOException {
        while (true) {
            Pdu p = read();
            if (p == null || p.commandId() != ENQUIRE_LINK) {
                return p;
            }
            send(header(ENQUIRE_LINK_RESP, 0, p.sequence(), new byte[0]));
        }
    }

    /** Reads until the router closes the connection; returns what came before the end. */
    List<Pdu> readUntilClosed() throws IOException {
        List<Pdu> got = new ArrayList<>();
        while (true) {
            Pdu p;
            try {
                p = read();
            } catch (SocketException e) {
                return got; // reset by the peer: closed as well
            }
            if (p == null) {
                return got;
            }
            got.add(p);
        }
    }

    Pdu bindTransceiver(String systemId, String password, int seq) throws IOException {
        return bind(BIND_TRANSCEIVER, systemId, password, seq);
    }

    Pdu bind(int bindCommandId, String systemId, String password, int seq) throws IOException {
        send(bindPdu(bindCommandId, systemId, password, seq));
        return readSkippingKeepalive();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---- PDU building ----

    static byte[] header(int commandId, int status, int seq, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(16 + body.length);
        b.putInt(16 + body.length).putInt(commandId).putInt(status).putInt(seq).put(body);
        return b.array();
    }

    static byte[] bindPdu(int bindCommandId, String systemId, String password, int seq) {
        Body b = new Body().cstring(systemId).cstring(password).cstring("").octet(0x34).octet(0).octet(0).cstring("");
        return header(bindCommandId, 0, seq, b.bytes());
    }

    /** A complete submit_sm (no receipt requested) to 79160000001 from Shop. */
    static byte[] submitSmPdu(int seq, String text) {
        return header(SUBMIT_SM, 0, seq, submitSmBody(text, 0));
    }

    static byte[] submitSmBody(String text, int registeredDelivery) {
        byte[] sm = text.getBytes(StandardCharsets.ISO_8859_1);
        return new Body()
                .cstring("")                    // service_type
                .octet(5).octet(0).cstring("Shop")           // source_addr_ton, npi, source_addr
                .octet(1).octet(1).cstring("79160000001")    // dest_addr_ton, npi, destination_addr
                .octet(0).octet(0).octet(0)     // esm_class, protocol_id, priority_flag
                .cstring("").cstring("")        // schedule_delivery_time, validity_period
                .octet(registeredDelivery).octet(0).octet(0).octet(0) // registered_delivery, replace, data_coding, default_msg_id
                .octet(sm.length).raw(sm)       // sm_length, short_message
                .bytes();
    }

    static final class Body {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Body cstring(String s) {
            byte[] v = s.getBytes(StandardCharsets.ISO_8859_1);
            b.write(v, 0, v.length);
            b.write(0);
            return this;
        }

        Body octet(int v) {
            b.write(v);
            return this;
        }

        Body raw(byte[] v) {
            b.write(v, 0, v.length);
            return this;
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }
}
