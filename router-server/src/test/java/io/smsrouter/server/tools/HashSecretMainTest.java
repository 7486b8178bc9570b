package io.smsrouter.server.tools;

import io.smsrouter.core.account.Secret;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HashSecretMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return HashSecretMain.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
    }

    @Test
    void shouldPrintAHashOfTheSecretReadFromStandardInput() {
        assertThat(run("secret1\n", "--iterations", "1000")).isZero();
        String hash = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(hash).startsWith("pbkdf2-sha256$1000$").doesNotContain("secret1");
        assertThat(Secret.parse(hash).matches("secret1")).isTrue();
        assertThat(Secret.parse(hash).matches("secret1\n")).isFalse();
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("secret1");
    }

    @Test
    void shouldUseTheDefaultIterationsAndNoteSecretsTooLongForSmpp() {
        assertThat(run("k-long-api-key-123")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("pbkdf2-sha256$" + Secret.DEFAULT_ITERATIONS + "$");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("too long for an SMPP password");
    }

    @Test
    void shouldCheckASecretAgainstAHash() {
        String hash = Secret.hash("otppass".toCharArray(), 1000, new java.security.SecureRandom());
        assertThat(run("otppass\n", "--check", hash)).isZero();
        assertThat(run("otppasx\n", "--check", hash)).isEqualTo(1);
        assertThat(run("otppass\n", "--check", "pbkdf2-sha256$x")).isEqualTo(2);
    }

    @Test
    void shouldRefuseEmptySecretsAndBadIterations() {
        assertThat(run("\n")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("empty");
        assertThat(run("a b\n")).isEqualTo(2);
        assertThat(run("pw\n", "--iterations", "10")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--iterations: expected 1000..10000000");
    }
}
