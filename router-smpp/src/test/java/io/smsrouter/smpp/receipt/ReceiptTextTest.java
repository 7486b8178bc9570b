package io.smsrouter.smpp.receipt;

import io.smsrouter.core.message.DeliveryState;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ReceiptTextTest {

    @Test
    void shouldFormatAppendixBReceiptText() {
        long submit = 1_764_000_000_000L; // 2025-11-24T16:00:00Z
        String s = ReceiptText.format("1234567890", DeliveryState.DELIVERED, 0, submit, submit + 60_000,
                "hello world".getBytes(StandardCharsets.US_ASCII));
        assertThat(s).isEqualTo("id:1234567890 sub:001 dlvrd:001 submit date:2511241600 done date:2511241601 "
                + "stat:DELIVRD err:000 text:hello world");
    }

    @Test
    void shouldMarkUndeliveredWithZeroDeliveredAndPaddedError() {
        String s = ReceiptText.format("7", DeliveryState.UNDELIVERABLE, 11, 0, 0, new byte[]{0x04, 'a'});
        assertThat(s).contains("dlvrd:000").contains("stat:UNDELIV").contains("err:011").endsWith("text:.a");
    }

    @Test
    void shouldClampTheErrorReplaceWhatLatin1CannotHoldAndWriteTheExactLength() {
        long t = 1_764_000_000_000L;
        byte[] over = ReceiptText.formatBytes("\u00fc\u20ac9", DeliveryState.EXPIRED, 1234, t, t, null);
        assertThat(new String(over, StandardCharsets.ISO_8859_1)).isEqualTo("id:\u00fc?9 sub:001 dlvrd:000 "
                + "submit date:2511241600 done date:2511241600 stat:EXPIRED err:999 text:");
        byte[] under = ReceiptText.formatBytes("", DeliveryState.REJECTED, -5, t, t + 3_600_000, new byte[]{'~', 0x7F});
        assertThat(new String(under, StandardCharsets.ISO_8859_1)).isEqualTo("id: sub:001 dlvrd:000 "
                + "submit date:2511241600 done date:2511241700 stat:REJECTD err:000 text:~.");
    }

    @Test
    void shouldParseReceiptsFromOperatorsWithFieldsInAnyCase() {
        ReceiptText.Parsed p = ReceiptText.parse(("id:ab12 sub:001 dlvrd:001 submit date:2511241600 "
                + "done date:2511241601 stat:DELIVRD err:000 Text:xid:zz").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(p.id()).isEqualTo("ab12");
        assertThat(p.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(p.errorCode()).isZero();

        ReceiptText.Parsed upper = ReceiptText.parse("ID:99 STAT:UNDELIV ERR:0b1".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(upper.id()).isEqualTo("99");
        assertThat(upper.state()).isEqualTo(DeliveryState.UNDELIVERABLE);
        assertThat(upper.errorCode()).isEqualTo(0xB1);
    }

    @Test
    void shouldNotTakeAnIdFromInsideAnotherWord() {
        ReceiptText.Parsed p = ReceiptText.parse("xid:1 stat:EXPIRED".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(p.id()).isNull();
        assertThat(p.state()).isEqualTo(DeliveryState.EXPIRED);
        assertThat(p.errorCode()).isEqualTo(-1);
    }
}
