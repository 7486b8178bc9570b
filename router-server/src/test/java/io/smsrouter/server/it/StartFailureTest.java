package io.smsrouter.server.it;

import io.smsrouter.server.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A listener that cannot start stops the start with a message naming it, its address and why. */
class StartFailureTest {
    @TempDir
    Path journal;

    @Test
    void shouldNameTheListenerAndAddressWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(ItConfig.HOST))) {
            Router router = new Router(ItConfig.journal(journal).withSimulator().smppPort(taken.getLocalPort()).build());
            try {
                assertThatThrownBy(router::start)
                        .isInstanceOf(Router.StartException.class)
                        .hasMessage("cannot listen for SMPP on 127.0.0.1:" + taken.getLocalPort()
                                + ": Address already in use");
            } finally {
                router.close();
            }
        }
    }
}
