package io.smsrouter.bench;

import io.netty.handler.ssl.SslContext;
import io.smsrouter.server.config.TlsConfig;
import io.smsrouter.smpp.transport.TlsContexts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code scripts/bench --tls}: the bench's certificate (a test CA and a certificate for
 * {@code 127.0.0.1}, shipped in the jar, see {@code tls/README.md} beside it) written to a temporary
 * directory for the router's {@code smpp.tls} listener, and the load client's context trusting it
 * with hostname verification on, as a real client would.
 */
final class BenchTls implements AutoCloseable {
    private final Path dir;
    private final Path cert;
    private final Path key;
    private final Path ca;

    BenchTls() throws IOException {
        dir = Files.createTempDirectory("bench-tls");
        cert = extract("server.crt");
        key = extract("server.key");
        ca = extract("ca.crt");
    }

    private Path extract(String name) throws IOException {
        try (InputStream in = BenchTls.class.getResourceAsStream("tls/" + name)) {
            if (in == null) {
                throw new IOException("tls/" + name + " missing from the bench jar");
            }
            Path f = dir.resolve(name);
            Files.copy(in, f);
            return f;
        }
    }

    /** The router's TLS listener on loopback, port 0. */
    TlsConfig listener() {
        return new TlsConfig("127.0.0.1", 0, cert, key, null);
    }

    /** The load client's side: TLS 1.3/1.2, trusting the bench CA, checking that the certificate names the host. */
    SslContext clientContext() throws TlsContexts.TlsFileException {
        return TlsContexts.client(ca, true);
    }

    @Override
    public void close() {
        for (Path f : new Path[] {cert, key, ca, dir}) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // a temporary file left behind
            }
        }
    }
}
