package io.smsrouter.server.tools;

import io.smsrouter.core.account.Secret;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code scripts/hash-secret}: prints the hash of a secret for the config ({@code accounts[].password},
 * {@code accounts[].apiKey}, {@code admin.token}), so the file holds no secret. The secret is read
 * from a prompt without echo, or from standard input when that is not a terminal, never from the
 * command line (which any user sees in {@code ps}). {@code --check HASH} tells whether a secret is
 * the one a hash was made from.
 */
@Command(name = "hash-secret", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reads a secret (prompt without echo, or standard input) and prints its hash for the config:",
                "  pbkdf2-sha256$<iterations>$<salt>$<hash>  (PBKDF2WithHmacSHA256, random 16-byte salt)",
                "Use it for accounts[].password, accounts[].apiKey and admin.token.",
                "Example: printf %s 'secret1' | scripts/hash-secret"},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:printed the hash, or --check: the secret matches", "1:--check: it does not match",
                "2:bad input or options"})
public final class HashSecretMain implements Callable<Integer> {

    @Option(names = "--iterations", paramLabel = "N",
            description = "PBKDF2 iterations, " + Secret.MIN_ITERATIONS + ".." + Secret.MAX_ITERATIONS
                    + " (default ${DEFAULT-VALUE}: about 0.25 s per check here, once per secret and process)")
    int iterations = Secret.DEFAULT_ITERATIONS;

    @Option(names = "--check", paramLabel = "HASH",
            description = "instead of hashing: exit 0 when the secret read is the one HASH was made from, else 1")
    String check;

    private final InputStream in;
    private final Console console;
    private final PrintStream out;
    private final PrintStream err;

    HashSecretMain(InputStream in, Console console, PrintStream out, PrintStream err) {
        this.in = in;
        this.console = console;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        char[] secret = read();
        if (secret == null) {
            return 2;
        }
        try {
            if (check != null) {
                Secret s;
                try {
                    s = Secret.parse(check);
                } catch (IllegalArgumentException e) {
                    err.println("hash-secret: --check: " + e.getMessage());
                    return 2;
                }
                if (!s.hashed()) {
                    err.println("hash-secret: --check: expected a hash starting with " + Secret.PBKDF2_PREFIX);
                    return 2;
                }
                boolean ok = s.matches(new String(secret));
                out.println(ok ? "match" : "no match");
                return ok ? 0 : 1;
            }
            if (iterations < Secret.MIN_ITERATIONS || iterations > Secret.MAX_ITERATIONS) {
                err.println("hash-secret: --iterations: expected " + Secret.MIN_ITERATIONS + ".." + Secret.MAX_ITERATIONS
                        + ", got " + iterations);
                return 2;
            }
            if (secret.length > 8) {
                err.println("hash-secret: note: " + secret.length + " characters: fine for an API key or the admin"
                        + " token, too long for an SMPP password (at most 8)");
            }
            long start = System.nanoTime();
            String hash = Secret.hash(secret, iterations, new SecureRandom());
            err.printf("hash-secret: %d iterations, %.0f ms%n", iterations, (System.nanoTime() - start) / 1e6);
            out.println(hash);
            return 0;
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /** The secret from the terminal (asked twice) or standard input (one trailing newline dropped); null on a problem. */
    private char[] read() throws IOException {
        char[] secret;
        if (console != null) {
            secret = console.readPassword("secret: ");
            if (secret == null) {
                err.println("hash-secret: no secret read");
                return null;
            }
            if (check == null) {
                char[] again = console.readPassword("again: ");
                if (again == null || !Arrays.equals(secret, again)) {
                    err.println("hash-secret: the two entries differ");
                    return null;
                }
                Arrays.fill(again, '\0');
            }
        } else {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            String s = buf.toString(StandardCharsets.UTF_8);
            if (s.endsWith("\r\n")) {
                s = s.substring(0, s.length() - 2);
            } else if (s.endsWith("\n")) {
                s = s.substring(0, s.length() - 1);
            }
            secret = s.toCharArray();
        }
        if (secret.length == 0) {
            err.println("hash-secret: expected a secret, got an empty one");
            return null;
        }
        for (char c : secret) {
            if (c <= 0x20 || c == 0x7F) {
                err.println("hash-secret: expected a secret without spaces, line breaks or control characters");
                return null;
            }
        }
        return secret;
    }

    static int run(InputStream in, Console console, PrintStream out, PrintStream err, String... args) {
        CommandLine cl = new CommandLine(new HashSecretMain(in, console, out, err));
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        return cl.execute(args);
    }

    public static void main(String[] args) {
        // a console only when both ends are a terminal: piped input is read as is
        Console console = System.console();
        System.exit(run(System.in, console, System.out, System.err, args));
    }
}
