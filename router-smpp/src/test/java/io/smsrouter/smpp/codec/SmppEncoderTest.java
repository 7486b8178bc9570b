package io.smsrouter.smpp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmppEncoderTest {

    @Test
    void shouldBeShareableAcrossChannels() {
        assertThat(SmppEncoder.INSTANCE.isSharable()).isTrue();
        EmbeddedChannel a = new EmbeddedChannel(SmppEncoder.INSTANCE);
        EmbeddedChannel b = new EmbeddedChannel(SmppEncoder.INSTANCE);
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    @Test
    void shouldWriteEveryPduIntoABufferOfExactlyItsSize() {
        EmbeddedChannel channel = new EmbeddedChannel(SmppEncoder.INSTANCE);
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        List<Pdu> pdus = SamplePdus.all();
        try {
            for (Pdu pdu : pdus) {
                assertThat(channel.writeOutbound(pdu)).isTrue();
                ByteBuf out = channel.readOutbound();
                assertThat(out.readableBytes()).isEqualTo(SmppPduCodec.encodedLength(pdu));
                assertThat(out.capacity()).as("no slack in the buffer").isEqualTo(out.readableBytes());
                assertThat(Wire.bytes(out)).isEqualTo(Wire.encode(pdu));
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void shouldRoundTripThroughEncoderAndFrameDecoder() {
        EmbeddedChannel sender = new EmbeddedChannel(SmppEncoder.INSTANCE);
        EmbeddedChannel receiver = new EmbeddedChannel(new SmppFrameDecoder(4096));
        SmPdu submit = new SmPdu(CommandId.SUBMIT_SM).sourceAddr("Router").destinationAddr("447700900123")
                .shortMessage(new byte[] {1, 2, 3});
        submit.sequenceNumber(1);
        submit.addTlv(Tlv.ofShort(TlvTag.SAR_MSG_REF_NUM, 7));
        try {
            sender.writeOutbound(submit);
            receiver.writeInbound((ByteBuf) sender.readOutbound());

            assertThat((Object) receiver.readInbound()).usingRecursiveComparison().isEqualTo(submit);
        } finally {
            sender.finishAndReleaseAll();
            receiver.finishAndReleaseAll();
        }
    }
}
