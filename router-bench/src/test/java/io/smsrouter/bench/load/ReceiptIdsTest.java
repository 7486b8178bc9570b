package io.smsrouter.bench.load;

import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ReceiptIdsTest {
    private static final String TEXT = "id:1764110400000123 sub:001 dlvrd:001 submit date:2611251200 "
            + "done date:2611251200 stat:DELIVRD err:000 text:hello";

    @Test
    void shouldPreferTheReceiptedMessageIdTlv() {
        SmPdu d = new SmPdu(CommandId.DELIVER_SM).esmClass(0x04).shortMessage(TEXT.getBytes(StandardCharsets.US_ASCII));
        d.addTlv(Tlv.ofString(TlvTag.RECEIPTED_MESSAGE_ID, "abc"));
        assertThat(ReceiptIds.isDeliveryReceipt(d)).isTrue();
        assertThat(ReceiptIds.of(d)).isEqualTo("abc");
    }

    @Test
    void shouldFallBackToTheIdFieldOfTheText() {
        SmPdu d = new SmPdu(CommandId.DELIVER_SM).esmClass(0x04).shortMessage(TEXT.getBytes(StandardCharsets.US_ASCII));
        assertThat(ReceiptIds.of(d)).isEqualTo("1764110400000123");
    }

    @Test
    void shouldFindTheIdFieldAnywhereAndIgnoreCase() {
        assertThat(ReceiptIds.fromText("sub:001 ID:7f3a stat:DELIVRD".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("7f3a");
        assertThat(ReceiptIds.fromText("subid:1 stat:DELIVRD".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(ReceiptIds.fromText("id: stat".getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    @Test
    void shouldTellAMobileOriginatedMessageFromAReceipt() {
        assertThat(ReceiptIds.isDeliveryReceipt(new SmPdu(CommandId.DELIVER_SM))).isFalse();
        assertThat(ReceiptIds.isDeliveryReceipt(new SmPdu(CommandId.DELIVER_SM).esmClass(0x08))).isFalse();
        assertThat(ReceiptIds.isDeliveryReceipt(new SmPdu(CommandId.DELIVER_SM).esmClass(0x44))).isTrue();
    }
}
