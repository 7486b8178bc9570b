package io.smsrouter.smpp.message;

import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SmppMessagesTest {

    private static SmPdu clientSubmit() {
        SmPdu p = new SmPdu(CommandId.SUBMIT_SM);
        p.serviceType("CMT");
        p.sourceAddrTon(5);
        p.sourceAddrNpi(0);
        p.sourceAddr("Shop");
        p.destAddrTon(1);
        p.destAddrNpi(1);
        p.destinationAddr("79161234567");
        p.esmClass(0x40);
        p.protocolId(0);
        p.priorityFlag(1);
        p.scheduleDeliveryTime("");
        p.validityPeriod("000001000000000R");
        p.registeredDelivery(2);
        p.dataCoding(8);
        p.shortMessage(new byte[]{5, 0, 3, 7, 2, 1, 0, 0x41});
        p.addTlv(Tlv.ofShort(TlvTag.USER_MESSAGE_REFERENCE, 42));
        p.addTlv(new Tlv((short) 0x1401, new byte[]{1, 2, 3})); // vendor-specific: must pass through
        return p;
    }

    @Test
    void shouldCarryEveryFieldAndTlvOfTheClientSubmitUpstream() {
        SmPdu in = clientSubmit();
        Message m = SmppMessages.fromSubmitSm(17, "shop", in, 1000);
        SmPdu up = SmppMessages.toSubmitSm(m);
        assertThat(up.serviceType()).isEqualTo("CMT");
        assertThat(up.sourceAddr()).isEqualTo("Shop");
        assertThat(up.sourceAddrTon()).isEqualTo(5);
        assertThat(up.destinationAddr()).isEqualTo("79161234567");
        assertThat(up.esmClass()).isEqualTo(0x40);
        assertThat(up.priorityFlag()).isEqualTo(1);
        assertThat(up.validityPeriod()).isEqualTo("000001000000000R");
        assertThat(up.dataCoding()).isEqualTo(8);
        assertThat(up.shortMessage()).isEqualTo(in.shortMessage());
        assertThat(up.tlvs()).containsExactlyElementsOf(in.tlvs());
        // the router always asks the operator for a receipt, whatever the client asked for
        assertThat(up.registeredDelivery() & 0x03).isEqualTo(1);
        assertThat(m.registeredDelivery()).isEqualTo(2);
    }

    @Test
    void shouldBuildReceiptDeliverSmFromRecipientToSenderWithOurId() {
        Receipt r = new Receipt(1764110102345001L, "shop", 5, 0, "Shop", 1, 1, "79161234567",
                DeliveryState.DELIVERED, 0, 0, 0, "hi".getBytes(StandardCharsets.US_ASCII));
        SmPdu d = SmppMessages.receiptDeliverSm(r);
        assertThat(d.commandId()).isEqualTo(CommandId.DELIVER_SM);
        assertThat(d.esmClass()).isEqualTo(0x04);
        assertThat(d.sourceAddr()).isEqualTo("79161234567");
        assertThat(d.destinationAddr()).isEqualTo("Shop");
        assertThat(d.tlv(TlvTag.RECEIPTED_MESSAGE_ID).asCString()).isEqualTo("1764110102345001");
        assertThat(d.tlv(TlvTag.MESSAGE_STATE).asUnsigned()).isEqualTo(2);
        assertThat(new String(d.shortMessage(), StandardCharsets.ISO_8859_1))
                .startsWith("id:1764110102345001 sub:001 dlvrd:001").contains("stat:DELIVRD err:000 text:hi");
    }

    @Test
    void shouldKeepTruncatedTlvStreamsFromFailing() {
        assertThat(SmppMessages.decodeTlvs(new byte[]{0x02, 0x04, 0x00, 0x05, 1})).singleElement()
                .satisfies(t -> assertThat(t.value()).containsExactly(1));
        assertThat(SmppMessages.decodeTlvs(new byte[0])).isEmpty();
    }
}
