package io.smsrouter.server.config;

import java.nio.file.Path;

/**
 * A TLS listener's certificate and key ({@code smpp.tls}, {@code http.tls}, {@code simulator.tls} in
 * {@code conf/router.yaml}); the section's absence means no TLS. Protocols are TLS 1.3 and 1.2 only,
 * with the JDK's provider. A file that is missing or unreadable, a key that is not PKCS#8 or that
 * does not belong to the certificate stops the start naming the key and the file.
 *
 * @param host     address to listen on; default the section's own {@code host} ({@code smpp.host},
 *                 {@code http.host}); unused for the simulator, whose one port speaks TLS
 * @param port     TCP port, 0..65535, 0 picks a free port; default {@value #DEFAULT_SMPP_PORT} for
 *                 SMPP, {@value #DEFAULT_HTTP_PORT} for HTTPS; -1 for the simulator (its own port)
 * @param cert     PEM certificate chain, the server's certificate first; required
 * @param key      the certificate's private key, unencrypted PEM PKCS#8 ({@code BEGIN PRIVATE KEY});
 *                 a PKCS#1 key converts with {@code openssl pkcs8 -topk8 -nocrypt -in k -out k8}; required
 * @param clientCa SMPP only: PEM bundle of CAs; with it client certificates are requested, and one
 *                 that does not chain to a CA of the bundle fails the handshake. Without it, client
 *                 certificates are requested (and pinned by fingerprint, not by chain) only when some
 *                 account has a {@code clientCert}; null: none
 */
public record TlsConfig(String host, int port, Path cert, Path key, Path clientCa) {

    public static final int DEFAULT_SMPP_PORT = 2777;
    public static final int DEFAULT_HTTP_PORT = 8443;
}
