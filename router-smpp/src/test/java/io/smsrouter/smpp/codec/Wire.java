package io.smsrouter.smpp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.smsrouter.smpp.pdu.Pdu;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Byte helpers for the codec tests, and the hand-written vectors in smpp34-vectors.txt. */
final class Wire {

    private static Map<String, byte[]> vectors;

    private Wire() {
    }

    static byte[] hex(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replaceAll("\\s", ""));
    }

    static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }

    static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static byte[] encode(Pdu pdu) {
        ByteBuf buf = Unpooled.buffer();
        SmppPduCodec.encode(pdu, buf);
        return bytes(buf);
    }

    static Pdu decode(byte[] bytes) throws SmppDecodeException {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            Pdu pdu = SmppPduCodec.decode(buf);
            if (buf.isReadable()) {
                throw new AssertionError(buf.readableBytes() + " bytes left after decoding");
            }
            return pdu;
        } finally {
            buf.release();
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** A vector from smpp34-vectors.txt by its [name]. */
    static synchronized byte[] vector(String name) {
        if (vectors == null) {
            vectors = loadVectors();
        }
        byte[] v = vectors.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no vector [" + name + "]");
        }
        return v.clone();
    }

    static synchronized Map<String, byte[]> allVectors() {
        vector("enquire_link");
        return vectors;
    }

    private static Map<String, byte[]> loadVectors() {
        String text;
        try (InputStream in = Wire.class.getResourceAsStream("smpp34-vectors.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        String name = null;
        StringBuilder hex = new StringBuilder();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (content.startsWith("[")) {
                if (name != null) {
                    out.put(name, hex(hex.toString()));
                }
                name = content.substring(1, content.indexOf(']'));
                hex.setLength(0);
            } else if (!content.isEmpty()) {
                hex.append(content);
            }
        }
        if (name != null) {
            out.put(name, hex(hex.toString()));
        }
        return out;
    }
}
