package io.smsrouter.smpp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Which command_status each kind of malformed PDU is answered with. */
class SmppPduCodecDecodeErrorTest {

    private static SmppDecodeException decodeError(byte[] bytes) {
        return catchThrowableOfType(SmppDecodeException.class, () -> Wire.decode(bytes));
    }

    /** The vector with command_length rewritten to its new size. */
    private static byte[] truncated(String vector, int length) {
        byte[] bytes = Arrays.copyOf(Wire.vector(vector), length);
        Unpooled.wrappedBuffer(bytes).setInt(0, length);
        return bytes;
    }

    @Test
    void shouldAnswerUnknownCommandIdWithInvalidCommandIdStatusAndSkipThePdu() {
        byte[] bytes = Wire.concat(Wire.hex("00000014 80000099 00000000 0000002A 01020304"), Wire.vector("enquire_link"));
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);

        SmppDecodeException e = catchThrowableOfType(SmppDecodeException.class, () -> SmppPduCodec.decode(buf));

        assertThat(e.status()).isEqualTo(CommandStatus.ESME_RINVCMDID);
        assertThat(e.commandId()).isEqualTo(0x80000099);
        assertThat(e.sequenceNumber()).isEqualTo(42);
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(buf.readerIndex()).as("positioned on the next PDU").isEqualTo(20);
    }

    @Test
    void shouldAnswerAResponseIdWithoutRequestCounterpartWithInvalidCommandId() {
        // alert_notification has no response: 0x80000102 is not an SMPP 3.4 command
        assertThat(decodeError(Wire.hex("00000010 80000102 00000000 00000001")).status())
                .isEqualTo(CommandStatus.ESME_RINVCMDID);
    }

    @Test
    void shouldAnswerBodyEndingBeforeAFixedFieldWithInvalidCommandLength() {
        // submit_sm cut right after source_addr: source ton/npi read, dest_addr_ton missing
        SmppDecodeException e = decodeError(truncated("submit_sm", 16 + 1 + 2 + 7));

        assertThat(e.status()).isEqualTo(CommandStatus.ESME_RINVCMDLEN);
        assertThat(e.commandId()).isEqualTo(CommandId.SUBMIT_SM);
        assertThat(e.sequenceNumber()).isEqualTo(2);
        assertThat(e.getMessage()).contains("dest_addr_ton");
    }

    @Test
    void shouldAcceptAResponseWithoutBodyEvenWithStatusOk() throws Exception {
        // not what section 4.6.2 asks for, but some ESMEs send deliver_sm_resp like this
        io.smsrouter.smpp.pdu.Pdu resp = Wire.decode(Wire.hex("00000010 80000005 00000000 00000001"));

        assertThat(((io.smsrouter.smpp.pdu.MessageIdRespPdu) resp).messageId()).isEmpty();
    }

    @Test
    void shouldAnswerARequestWithoutItsBodyWithInvalidCommandLength() {
        SmppDecodeException e = decodeError(Wire.hex("00000010 00000004 00000000 00000001"));

        assertThat(e.status()).isEqualTo(CommandStatus.ESME_RINVCMDLEN);
        assertThat(e.getMessage()).contains("service_type");
    }

    @Test
    void shouldAnswerCStringLongerThanItsMaximumWithInvalidCommandLength() {
        // system_id of 16 characters: the field holds 15 and the NUL
        byte[] bytes = Wire.hex("00000028 00000002 00000000 00000001"
                + "41424344454647484950515253545556 00" + "00 00 34 00 00 00");
        Unpooled.wrappedBuffer(bytes).setInt(0, bytes.length);

        SmppDecodeException e = decodeError(bytes);

        assertThat(e.status()).isEqualTo(CommandStatus.ESME_RINVCMDLEN);
        assertThat(e.getMessage()).contains("system_id").contains("15");
    }

    @Test
    void shouldAcceptCStringsOfExactlyTheirMaximum() throws Exception {
        byte[] bytes = Wire.hex("00000027 00000002 00000000 00000001"
                + "414243444546474849505152535455 00" + "00 00 34 00 00 00");
        Unpooled.wrappedBuffer(bytes).setInt(0, bytes.length);

        assertThat(((io.smsrouter.smpp.pdu.BindPdu) Wire.decode(bytes)).systemId()).hasSize(15);
    }

    @Test
    void shouldAnswerTlvHeaderCutShortWithInvalidOptionalParameterStream() {
        byte[] bytes = Wire.hex("00000013 00000015 00000000 00000003 020400");

        assertThat(decodeError(bytes).status()).isEqualTo(CommandStatus.ESME_RINVOPTPARSTREAM);
    }

    @Test
    void shouldAnswerSubmitMultiWithUnknownDestFlagWithInvalidDestFlag() {
        byte[] bytes = Wire.vector("submit_multi");
        // the second dest_flag (distribution list, 0x02) follows the first destination's address
        int second = 16 + 1 + 2 + 6 + 1 + 3 + 13;
        assertThat(bytes[second]).isEqualTo((byte) 2);
        bytes[second] = 3;

        SmppDecodeException e = decodeError(bytes);

        assertThat(e.status()).isEqualTo(CommandStatus.ESME_RINVDESTFLAG);
        assertThat(e.sequenceNumber()).isEqualTo(4);
    }

    @Test
    void shouldAnswerCommandLengthLongerThanTheFrameWithInvalidCommandLength() {
        byte[] bytes = Wire.vector("enquire_link");
        bytes[3] = 0x20;

        SmppDecodeException e = decodeError(bytes);

        assertThat(e.status()).isEqualTo(CommandStatus.ESME_RINVCMDLEN);
        assertThat(e.sequenceNumber()).isEqualTo(7);
    }

    @Test
    void shouldAnswerAFrameShorterThanAHeaderWithInvalidCommandLength() {
        SmppDecodeException e = decodeError(Wire.hex("0000000C 00000015 00000000"));

        assertThat(e.status()).isEqualTo(CommandStatus.ESME_RINVCMDLEN);
        assertThat(e.commandId()).isZero();
    }
}
