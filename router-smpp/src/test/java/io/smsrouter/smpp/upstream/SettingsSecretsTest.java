package io.smsrouter.smpp.upstream;

import io.smsrouter.smpp.pdu.BindPdu;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.simulator.SimulatorSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Settings and PDUs that hold a password print {@code ***} instead, so logging one never logs it. */
class SettingsSecretsTest {

    @Test
    void shouldNotPrintPasswords() {
        OperatorSettings op = new OperatorSettings("opA", "127.0.0.1", 2776, "router", "opPw123",
                "", 1, 10, 0, 30_000, 5_000, 200, 1_000, 65_536);
        assertThat(op.toString()).contains("opA", "router", "password=***").doesNotContain("opPw123");
        SimulatorSettings sim = new SimulatorSettings("127.0.0.1", 2776, "router", "simPw12", 0, 50, 100, 0, 0, 0,
                65_536);
        assertThat(sim.toString()).contains("router", "password=***").doesNotContain("simPw12");
        BindPdu bind = new BindPdu(CommandId.BIND_TRANSCEIVER).systemId("shop").password("bindPw1");
        assertThat(bind.toString()).contains("shop").doesNotContain("bindPw1");
    }
}
