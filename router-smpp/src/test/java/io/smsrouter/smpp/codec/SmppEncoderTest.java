package io.smsrouter.smpp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SmppEncoderTest {

    private static List<ByteBuf> outbound(EmbeddedChannel channel) {
        List<ByteBuf> out = new ArrayList<>();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            out.add((ByteBuf) o);
        }
        return out;
    }

    private static byte[] concat(List<ByteBuf> buffers) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (ByteBuf b : buffers) {
            all.writeBytes(Wire.bytes(b));
        }
        return all.toByteArray();
    }

    private static byte[] encodings(List<? extends Pdu> pdus) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Pdu p : pdus) {
            all.writeBytes(Wire.encode(p));
        }
        return all.toByteArray();
    }

    @Test
    void shouldWriteEachPduFlushedAloneInABufferOfItsOwn() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmppEncoder());
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        try {
            for (Pdu pdu : SamplePdus.all()) {
                assertThat(channel.writeOutbound(pdu)).isTrue();
                List<ByteBuf> out = outbound(channel);
                assertThat(out).hasSize(1);
                assertThat(Wire.bytes(out.get(0))).isEqualTo(Wire.encode(pdu));
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void shouldCoalesceThePdusWrittenBetweenTwoFlushesInOrder() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmppEncoder());
        List<Pdu> pdus = SamplePdus.all();
        try {
            for (Pdu pdu : pdus) {
                channel.write(pdu, channel.voidPromise());
            }
            assertThat(outbound(channel)).as("nothing goes out before the flush").isEmpty();
            channel.flush();

            List<ByteBuf> out = outbound(channel);
            assertThat(out).hasSize(1);
            assertThat(concat(out)).isEqualTo(encodings(pdus));
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void shouldStartANewBufferWhenTheBatchWouldPassTheChunkSize() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmppEncoder());
        List<SmPdu> pdus = new ArrayList<>();
        for (int i = 1; i <= 400; i++) {
            pdus.add(SamplePdus.submitSm(i));
        }
        SmPdu big = SamplePdus.submitSm(401);
        big.addTlv(new Tlv(TlvTag.MESSAGE_PAYLOAD, new byte[SmppEncoder.CHUNK + 100]));
        pdus.add(big);
        try {
            pdus.forEach(p -> channel.write(p, channel.voidPromise()));
            channel.flush();

            List<ByteBuf> out = outbound(channel);
            int total = encodings(pdus).length;
            assertThat(out.size()).isGreaterThanOrEqualTo(total / SmppEncoder.CHUNK + 1);
            assertThat(out.subList(0, out.size() - 1)).allMatch(b -> b.readableBytes() <= SmppEncoder.CHUNK);
            assertThat(concat(out)).isEqualTo(encodings(pdus));
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void shouldLetOtherMessagesPassInOrder() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmppEncoder());
        SmPdu first = SamplePdus.submitSm(1);
        SmPdu second = SamplePdus.submitSm(2);
        byte[] raw = {1, 2, 3};
        try {
            channel.write(first, channel.voidPromise());
            channel.write(Unpooled.wrappedBuffer(raw), channel.voidPromise());
            channel.write(second, channel.voidPromise());
            channel.flush();

            List<ByteBuf> out = outbound(channel);
            assertThat(out).hasSize(3);
            assertThat(Wire.bytes(out.get(0))).isEqualTo(Wire.encode(first));
            assertThat(Wire.bytes(out.get(1))).isEqualTo(raw);
            assertThat(Wire.bytes(out.get(2))).isEqualTo(Wire.encode(second));
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void shouldCompleteARealPromiseForItsOwnPduAfterTheOnesBeforeIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmppEncoder());
        SmPdu first = SamplePdus.submitSm(1);
        SmPdu watched = SamplePdus.submitSm(2);
        try {
            channel.write(first, channel.voidPromise());
            ChannelFuture f = channel.write(watched);
            assertThat(f.isDone()).isFalse();
            channel.flush();

            assertThat(f.isSuccess()).isTrue();
            List<ByteBuf> out = outbound(channel);
            assertThat(out).hasSize(2);
            assertThat(Wire.bytes(out.get(0))).isEqualTo(Wire.encode(first));
            assertThat(Wire.bytes(out.get(1))).isEqualTo(Wire.encode(watched));
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void shouldFailOnlyThePduThatCannotBeEncoded() {
        AtomicReference<Throwable> caught = new AtomicReference<>();
        EmbeddedChannel channel = new EmbeddedChannel(new SmppEncoder(),
                new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                        caught.set(cause);
                    }
                });
        SmPdu before = SamplePdus.submitSm(1);
        SmPdu bad = SamplePdus.submitSm(2).sourceAddr("a\0b");
        SmPdu after = SamplePdus.submitSm(3);
        try {
            channel.write(before, channel.voidPromise());
            ChannelFuture failed = channel.write(bad);
            channel.write(bad, channel.voidPromise());
            channel.write(after, channel.voidPromise());
            channel.flush();

            assertThat(failed.cause()).isInstanceOf(EncoderException.class).hasMessageContaining("source_addr");
            assertThat(caught.get()).as("a void write's failure goes to exceptionCaught")
                    .isInstanceOf(EncoderException.class);
            assertThat(concat(outbound(channel))).isEqualTo(encodings(List.of(before, after)));
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void shouldRoundTripThroughEncoderAndFrameDecoder() {
        EmbeddedChannel sender = new EmbeddedChannel(new SmppEncoder());
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
