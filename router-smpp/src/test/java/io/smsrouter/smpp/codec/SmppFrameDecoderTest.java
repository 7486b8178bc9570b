package io.smsrouter.smpp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.HeaderOnlyPdu;
import io.smsrouter.smpp.pdu.Pdu;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SmppFrameDecoderTest {

    private static final int MAX_PDU_LENGTH = 512;

    private final EmbeddedChannel channel = new EmbeddedChannel(new SmppFrameDecoder(MAX_PDU_LENGTH));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** Feeds {@code bytes} in chunks of {@code chunk} bytes and returns everything decoded. */
    private List<Object> feed(byte[] bytes, int chunk) {
        for (int at = 0; at < bytes.length; at += chunk) {
            channel.writeInbound(Unpooled.copiedBuffer(bytes, at, Math.min(chunk, bytes.length - at)));
        }
        return drain();
    }

    private List<Object> drain() {
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = channel.readInbound()) != null) {
            out.add(o);
        }
        return out;
    }

    /** A PDU header with a chosen command_length, followed by filler up to that length (if any). */
    private static byte[] frame(int commandLength, int commandId, int seq, int totalBytes) {
        ByteBuf b = Unpooled.buffer(totalBytes);
        b.writeInt(commandLength).writeInt(commandId).writeInt(0).writeInt(seq);
        while (b.writerIndex() < totalBytes) {
            b.writeByte(0x5A);
        }
        return Wire.bytes(b);
    }

    private static HeaderOnlyPdu enquireLink(int seq) {
        HeaderOnlyPdu p = new HeaderOnlyPdu(CommandId.ENQUIRE_LINK);
        p.sequenceNumber(seq);
        return p;
    }

    @Test
    void shouldDecodeAStreamOfEveryPduTypeFedOneByteAtATime() {
        List<Pdu> sent = SamplePdus.all();
        byte[] stream = Wire.concat(sent.stream().map(Wire::encode).toArray(byte[][]::new));

        List<Object> received = feed(stream, 1);

        assertThat(received).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(sent);
    }

    @Test
    void shouldDecodeSeveralPdusArrivingInOneBuffer() {
        List<Pdu> sent = SamplePdus.all();
        byte[] stream = Wire.concat(sent.stream().map(Wire::encode).toArray(byte[][]::new));

        List<Object> received = feed(stream, stream.length);

        assertThat(received).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(sent);
    }

    @Test
    void shouldReportCommandLengthBelowHeaderAsFatalAndDropTheRestOfTheStream() {
        byte[] bad = frame(8, CommandId.ENQUIRE_LINK, 1, 16);
        byte[] stream = Wire.concat(bad, Wire.encode(enquireLink(2)));

        List<Object> received = feed(stream, 3);

        assertThat(received).hasSize(1);
        InvalidPdu invalid = (InvalidPdu) received.get(0);
        assertThat(invalid.status()).isEqualTo(CommandStatus.ESME_RINVCMDLEN);
        assertThat(invalid.fatal()).isTrue();
        assertThat(invalid.commandId()).isZero();
        assertThat(invalid.sequenceNumber()).isZero();
        assertThat(invalid.reason()).contains("8");
    }

    @Test
    void shouldSkipAPduOverTheLimitAndDecodeTheNextOneFedInSmallChunks() {
        int oversize = 5000;
        byte[] big = frame(oversize, CommandId.SUBMIT_SM, 77, oversize);
        byte[] stream = Wire.concat(Wire.encode(enquireLink(76)), big, Wire.encode(enquireLink(78)));

        List<Object> received = feed(stream, 7);

        assertThat(received).hasSize(3);
        assertThat(((Pdu) received.get(0)).sequenceNumber()).isEqualTo(76);
        InvalidPdu invalid = (InvalidPdu) received.get(1);
        assertThat(invalid.fatal()).isFalse();
        assertThat(invalid.status()).isEqualTo(CommandStatus.ESME_RINVCMDLEN);
        assertThat(invalid.commandId()).isEqualTo(CommandId.SUBMIT_SM);
        assertThat(invalid.sequenceNumber()).isEqualTo(77);
        assertThat(received.get(2)).usingRecursiveComparison().isEqualTo(enquireLink(78));
    }

    @Test
    void shouldSkipAPduOverTheLimitFedOneByteAtATime() {
        byte[] big = frame(MAX_PDU_LENGTH + 1, CommandId.DELIVER_SM, 5, MAX_PDU_LENGTH + 1);
        byte[] stream = Wire.concat(big, Wire.encode(enquireLink(6)));

        List<Object> received = feed(stream, 1);

        assertThat(received).hasSize(2);
        assertThat(((InvalidPdu) received.get(0)).sequenceNumber()).isEqualTo(5);
        assertThat(received.get(1)).usingRecursiveComparison().isEqualTo(enquireLink(6));
    }

    @Test
    void shouldNotBufferTheBytesOfAPduOverTheLimit() {
        // command_length near 4 GiB: must be skipped as it streams by, never allocated
        byte[] header = frame(0xFFFFFFF0, CommandId.SUBMIT_SM, 9, 16);
        channel.writeInbound(Unpooled.wrappedBuffer(header));
        assertThat(((InvalidPdu) channel.readInbound()).sequenceNumber()).isEqualTo(9);

        for (int i = 0; i < 100; i++) {
            ByteBuf chunk = Unpooled.wrappedBuffer(new byte[4096]);
            channel.writeInbound(chunk);
            assertThat(chunk.refCnt()).as("chunk consumed and released, not accumulated").isZero();
        }
        assertThat(drain()).isEmpty();
    }

    @Test
    void shouldAcceptAPduOfExactlyTheLimit() {
        HeaderOnlyPdu link = enquireLink(3);
        link.addTlv(new io.smsrouter.smpp.pdu.Tlv(SamplePdus.VENDOR_TAG, new byte[MAX_PDU_LENGTH - 16 - 4]));
        byte[] bytes = Wire.encode(link);
        assertThat(bytes).hasSize(MAX_PDU_LENGTH);

        assertThat(feed(bytes, 100)).singleElement().isInstanceOf(HeaderOnlyPdu.class);
    }

    @Test
    void shouldAnswerUnknownCommandIdWithInvalidCommandIdStatus() {
        byte[] unknown = frame(20, 0x00000099, 4242, 20);
        byte[] stream = Wire.concat(unknown, Wire.encode(enquireLink(4243)));

        List<Object> received = feed(stream, 5);

        assertThat(received).hasSize(2);
        InvalidPdu invalid = (InvalidPdu) received.get(0);
        assertThat(invalid.status()).isEqualTo(CommandStatus.ESME_RINVCMDID);
        assertThat(invalid.commandId()).isEqualTo(0x99);
        assertThat(invalid.sequenceNumber()).isEqualTo(4242);
        assertThat(invalid.fatal()).isFalse();
        assertThat(((Pdu) received.get(1)).sequenceNumber()).isEqualTo(4243);
    }

    @Test
    void shouldAnswerCStringWithoutTerminatorWithInvalidCommandLength() {
        // bind_transmitter whose system_id runs to the end of the PDU without a NUL
        byte[] pdu = Wire.hex("00000018 00000002 00000000 0000000B 53 4D 50 50 33 54 45 53");

        InvalidPdu invalid = (InvalidPdu) feed(pdu, 1).get(0);

        assertThat(invalid.status()).isEqualTo(CommandStatus.ESME_RINVCMDLEN);
        assertThat(invalid.commandId()).isEqualTo(CommandId.BIND_TRANSMITTER);
        assertThat(invalid.sequenceNumber()).isEqualTo(11);
        assertThat(invalid.reason()).contains("system_id");
    }

    @Test
    void shouldAnswerTlvRunningPastTheEndWithInvalidOptionalParameterStream() {
        byte[] submit = Wire.vector("submit_sm");
        // the last TLV (vendor tag 0x1400) claims 3 bytes; make it claim 4
        submit[submit.length - 4] = 0x04;

        InvalidPdu invalid = (InvalidPdu) feed(submit, 10).get(0);

        assertThat(invalid.status()).isEqualTo(CommandStatus.ESME_RINVOPTPARSTREAM);
        assertThat(invalid.commandId()).isEqualTo(CommandId.SUBMIT_SM);
        assertThat(invalid.sequenceNumber()).isEqualTo(2);
        assertThat(invalid.fatal()).isFalse();
    }

    @Test
    void shouldAnswerSmLengthPastTheEndWithInvalidMessageLength() {
        byte[] submit = Wire.vector("submit_sm");
        // sm_length sits before "Hello" and the 13 TLV bytes: claim more than the 18 that remain
        int smLengthAt = submit.length - 13 - 5 - 1;
        assertThat(submit[smLengthAt]).isEqualTo((byte) 5);
        submit[smLengthAt] = 19;

        InvalidPdu invalid = (InvalidPdu) feed(submit, 10).get(0);

        assertThat(invalid.status()).isEqualTo(CommandStatus.ESME_RINVMSGLEN);
        assertThat(invalid.sequenceNumber()).isEqualTo(2);
    }

    /**
     * PDUs are decoded in place in the cumulation buffer (no slice per frame), so every field read
     * must stop at the PDU's own command_length even when the next PDU's bytes (NULs, TLVs, long
     * bodies) are already there: each malformed PDU, with a valid one right behind it in the same
     * buffer, gets the same answer as alone, and the next one still decodes.
     */
    @Test
    void shouldNotReadIntoTheNextPduWhenBothAreInTheSameBuffer() {
        byte[] noNul = Wire.hex("00000018 00000002 00000000 0000000B 53 4D 50 50 33 54 45 53");
        byte[] tlvPastEnd = Wire.vector("submit_sm");
        tlvPastEnd[tlvPastEnd.length - 4] = 0x04;
        byte[] smPastEnd = Wire.vector("submit_sm");
        smPastEnd[smPastEnd.length - 13 - 5 - 1] = 19;
        byte[] next = Wire.vector("deliver_sm_receipt");

        List<Object> received = feed(Wire.concat(noNul, next, tlvPastEnd, next, smPastEnd, next), 1 << 20);

        assertThat(received).extracting(o -> o.getClass().getSimpleName())
                .containsExactly("InvalidPdu", "SmPdu", "InvalidPdu", "SmPdu", "InvalidPdu", "SmPdu");
        assertThat(((InvalidPdu) received.get(0)).status()).isEqualTo(CommandStatus.ESME_RINVCMDLEN);
        assertThat(((InvalidPdu) received.get(2)).status()).isEqualTo(CommandStatus.ESME_RINVOPTPARSTREAM);
        assertThat(((InvalidPdu) received.get(4)).status()).isEqualTo(CommandStatus.ESME_RINVMSGLEN);
        for (int i = 1; i < 6; i += 2) {
            assertThat(Wire.encode((Pdu) received.get(i))).as("PDU %d re-encoded", i).isEqualTo(next);
        }
    }

    @Test
    void shouldGoOnDecodingAfterARecoverableError() {
        byte[] bad = Wire.vector("submit_sm");
        bad[bad.length - 4] = 0x04;
        byte[] stream = Wire.concat(bad, Wire.vector("enquire_link"), Wire.vector("deliver_sm_receipt"));

        List<Object> received = feed(stream, 1);

        assertThat(received).extracting(o -> o.getClass().getSimpleName())
                .containsExactly("InvalidPdu", "HeaderOnlyPdu", "SmPdu");
    }

    @Test
    void shouldRejectALimitBelowTheHeaderLength() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SmppFrameDecoder(15))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Arrays.asList(new SmppFrameDecoder(16).maxPduLength())).containsExactly(16);
    }
}
