package io.smsrouter.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code scripts/bench --tls}: the load goes through the router's TLS listener and every message comes back. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BenchTlsTest {

    @TempDir
    Path reportDir;

    @Test
    void shouldDriveTheRouterOverTlsWithNothingLost() {
        System.clearProperty(io.smsrouter.smpp.transport.TlsContexts.PROVIDER_PROPERTY);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        int rc = new CommandLine(new BenchMain(out)).execute("--tls", "--duration", "1", "--warmup", "0",
                "--rate", "500", "--drain-seconds", "20", "--report-dir", reportDir.toString());

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("tls=jdk").contains(" lost=0 ");
        assertThat(text).containsPattern("router: accepted=[1-9]");
        assertThat(rc).as(text).isZero();
    }

    @Test
    void shouldRunBothEndsOnBoringSslWhenAsked() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try {
            int rc = new CommandLine(new BenchMain(out)).execute("--tls", "--tls-provider", "openssl", "--duration",
                    "1", "--warmup", "0", "--rate", "500", "--drain-seconds", "20", "--report-dir",
                    reportDir.toString());

            String text = bytes.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("tls=openssl").contains(" lost=0 ");
            assertThat(rc).as(text).isZero();
        } finally {
            System.clearProperty(io.smsrouter.smpp.transport.TlsContexts.PROVIDER_PROPERTY);
        }
    }

    @Test
    void shouldRefuseTlsOutsideTheRoutedMode() {
        int rc = new CommandLine(new BenchMain(new PrintStream(new ByteArrayOutputStream())))
                .execute("--tls", "--direct", "--duration", "1");
        assertThat(rc).isEqualTo(2);
    }
}
