package io.smsrouter.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.smpp.codec.SmppDecodeException;
import io.smsrouter.smpp.codec.SmppPduCodec;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;
import io.smsrouter.smpp.receipt.ReceiptText;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Our SMPP codec ({@link SmppPduCodec}) on the three PDUs of every message's life: the client's
 * submit_sm, the submit_sm_resp, and the deliver_sm receipt. {@code copyBaseline} moves the same
 * bytes without parsing them: the floor any codec sits on.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class CodecBenchmark {

    @Param({"submit_sm", "submit_sm_resp", "deliver_sm_receipt"})
    public String pdu;

    private Pdu message;
    private ByteBuf wire;
    private ByteBuf out;

    @Setup(Level.Trial)
    public void setUp() {
        message = switch (pdu) {
            case "submit_sm" -> submitSm();
            case "submit_sm_resp" -> submitSmResp();
            case "deliver_sm_receipt" -> receipt();
            default -> throw new IllegalArgumentException(pdu);
        };
        wire = SmppPduCodec.encode(PooledByteBufAllocator.DEFAULT, message);
        out = PooledByteBufAllocator.DEFAULT.directBuffer(wire.readableBytes() * 2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        wire.release();
        out.release();
    }

    static SmPdu submitSm() {
        SmPdu p = new SmPdu(CommandId.SUBMIT_SM);
        p.sourceAddrTon(5).sourceAddrNpi(0).sourceAddr("Shop")
                .destAddrTon(1).destAddrNpi(1).destinationAddr("79161234567")
                .registeredDelivery(1).dataCoding(0)
                .shortMessage("Your code is 482913. Do not share it with anyone."
                        .getBytes(StandardCharsets.US_ASCII));
        p.sequenceNumber(42);
        return p;
    }

    static MessageIdRespPdu submitSmResp() {
        MessageIdRespPdu p = new MessageIdRespPdu(CommandId.SUBMIT_SM_RESP).messageId("1764110400000123");
        p.sequenceNumber(42);
        return p;
    }

    static SmPdu receipt() {
        String id = "1764110400000123";
        long now = 1_764_110_400_000L;
        SmPdu p = new SmPdu(CommandId.DELIVER_SM);
        p.sourceAddrTon(1).sourceAddrNpi(1).sourceAddr("79161234567")
                .destAddrTon(5).destAddrNpi(0).destinationAddr("Shop")
                .esmClass(0x04)
                .shortMessage(ReceiptText.formatBytes(id, DeliveryState.DELIVERED, 0, now, now + 2000,
                        "Your code is 482913".getBytes(StandardCharsets.US_ASCII)));
        p.addTlv(Tlv.ofString(TlvTag.RECEIPTED_MESSAGE_ID, id));
        p.addTlv(Tlv.ofByte(TlvTag.MESSAGE_STATE, DeliveryState.DELIVERED.code()));
        p.sequenceNumber(7);
        return p;
    }

    @Benchmark
    public Pdu decode() throws SmppDecodeException {
        return SmppPduCodec.decode(wire.duplicate());
    }

    @Benchmark
    public ByteBuf encode() {
        out.clear();
        SmppPduCodec.encode(message, out);
        return out;
    }

    @Benchmark
    public ByteBuf copyBaseline() {
        out.clear();
        out.writeBytes(wire, wire.readerIndex(), wire.readableBytes());
        return out;
    }
}
