package io.smsrouter.smpp.transport;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * TLS for SMPP and HTTP: Netty {@link SslContext}s built with the JDK provider (see {@link #provider})
 * from PEM files, TLS 1.3 and 1.2 only. Every file is checked before use, so that a missing file, a
 * key in a form the JDK cannot read, or a certificate that does not belong to the key is reported as
 * a {@link TlsFileException} that names the file and what was expected (the config loader adds the key).
 *
 * <p>Keys must be unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}): the JDK reads
 * nothing else without an extra library. A PKCS#1 RSA key ({@code BEGIN RSA PRIVATE KEY}) or a
 * SEC1 EC key is refused with the {@code openssl pkcs8} command that converts it.
 */
public final class TlsContexts {
    /** The protocols offered and accepted; TLS 1.0/1.1 and SSL are off. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * {@code -Drouter.tls.provider=openssl}: BoringSSL through netty-tcnative instead of the JDK, when
     * it is on the class path (only the bench ships it, to measure the JDK provider against it).
     */
    public static final String PROVIDER_PROPERTY = "router.tls.provider";

    private TlsContexts() {
    }

    /** A TLS file that cannot be used: which one ({@code cert}, {@code key}, ...), and why. */
    public static final class TlsFileException extends Exception {
        private final String role;
        private final Path file;

        TlsFileException(String role, Path file, String message, Throwable cause) {
            super(message, cause);
            this.role = role;
            this.file = file;
        }

        /** {@code cert}, {@code key}, {@code clientCa} or {@code trust}: the file's part in the config. */
        public String role() {
            return role;
        }

        public Path file() {
            return file;
        }
    }

    /**
     * A server context: the certificate chain and its key; with {@code clientCa} client
     * certificates are requested and must chain to it; with {@code requestClientCerts} and no CA
     * they are requested and accepted as presented, for the caller to pin by fingerprint
     * ({@link #peerCertificateSha256}). Clients without a certificate are accepted either way.
     */
    public static SslContext server(Path cert, Path key, Path clientCa, boolean requestClientCerts)
            throws TlsFileException {
        List<X509Certificate> chain = certificates("cert", cert);
        PrivateKey privateKey = privateKey(key, chain.get(0));
        SslContextBuilder b = SslContextBuilder.forServer(privateKey, chain)
                .sslProvider(provider())
                .protocols(PROTOCOLS);
        if (clientCa != null) {
            b.clientAuth(ClientAuth.OPTIONAL).trustManager(certificates("clientCa", clientCa));
        } else if (requestClientCerts) {
            // the chain proves nothing here: the account's pinned fingerprint is the check
            b.clientAuth(ClientAuth.OPTIONAL).trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        return build(b, "cert", cert);
    }

    /**
     * A client context trusting {@code trust} (PEM certificates), or the JDK's trust store when
     * null; with {@code verifyHostname} the server's certificate must name the host connected to
     * (pass host and port to {@link SslContext#newHandler(io.netty.buffer.ByteBufAllocator, String, int)}).
     */
    public static SslContext client(Path trust, boolean verifyHostname) throws TlsFileException {
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(provider())
                .protocols(PROTOCOLS)
                .endpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        if (trust != null) {
            b.trustManager(certificates("trust", trust));
        }
        return build(b, "trust", trust);
    }

    /** A client context with a client certificate, for tests and the load tool. */
    public static SslContext client(Path trust, Path cert, Path key, boolean verifyHostname) throws TlsFileException {
        List<X509Certificate> chain = certificates("cert", cert);
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(provider())
                .protocols(PROTOCOLS)
                .endpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null)
                .keyManager(privateKey(key, chain.get(0)), chain);
        if (trust != null) {
            b.trustManager(certificates("trust", trust));
        }
        return build(b, "cert", cert);
    }

    /** The JDK's provider, unless {@link #PROVIDER_PROPERTY} asks for OpenSSL and netty-tcnative is there. */
    public static SslProvider provider() {
        boolean openssl = "openssl".equalsIgnoreCase(System.getProperty(PROVIDER_PROPERTY));
        return openssl && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    private static SslContext build(SslContextBuilder b, String role, Path file) throws TlsFileException {
        try {
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new TlsFileException(role, file, "cannot set up TLS with " + file + ": " + e.getMessage(), e);
        }
    }

    /** The certificates of a PEM file, at least one. */
    public static List<X509Certificate> certificates(String role, Path file) throws TlsFileException {
        byte[] bytes = read(role, file, "a PEM certificate file");
        if (!new String(bytes, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new TlsFileException(role, file, "expected PEM certificates (-----BEGIN CERTIFICATE-----) in "
                    + file + ", got none", null);
        }
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new CertificateException("no certificate in it");
            }
            return out;
        } catch (CertificateException | IOException e) {
            throw new TlsFileException(role, file, "expected PEM certificates (-----BEGIN CERTIFICATE-----) in "
                    + file + ", got none that could be read (" + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey privateKey(Path file, X509Certificate cert) throws TlsFileException {
        String pem = new String(read("key", file, "a PEM PKCS#8 private key"), StandardCharsets.US_ASCII);
        String convert = "; convert it: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out " + file + ".pk8";
        if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            throw new TlsFileException("key", file, "expected a PEM PKCS#8 private key (-----BEGIN PRIVATE KEY-----) in "
                    + file + ", got a PKCS#1 RSA key (BEGIN RSA PRIVATE KEY)" + convert, null);
        }
        if (pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new TlsFileException("key", file, "expected a PEM PKCS#8 private key (-----BEGIN PRIVATE KEY-----) in "
                    + file + ", got a SEC1 EC key (BEGIN EC PRIVATE KEY)" + convert, null);
        }
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new TlsFileException("key", file, "expected an unencrypted PEM PKCS#8 private key in " + file
                    + ", got an encrypted one; decrypt it: openssl pkcs8 -in " + file + " -out " + file + ".plain", null);
        }
        int start = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new TlsFileException("key", file, "expected a PEM PKCS#8 private key (-----BEGIN PRIVATE KEY-----) in "
                    + file + ", got none", null);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(start + 27, end));
        } catch (IllegalArgumentException e) {
            throw new TlsFileException("key", file, "expected base64 between the PEM lines of " + file
                    + ", got characters that are not", e);
        }
        PublicKey publicKey = cert.getPublicKey();
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(publicKey.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new TlsFileException("key", file, "expected a " + publicKey.getAlgorithm()
                    + " private key (the certificate's key type) in " + file + ", got one that cannot be read as one ("
                    + e.getMessage() + ")", e);
        }
        if (!matches(key, publicKey)) {
            throw new TlsFileException("key", file, "expected the private key of the certificate ("
                    + cert.getSubjectX500Principal().getName() + ", sha256 " + sha256(cert) + "), got a key of "
                    + "another certificate in " + file, null);
        }
        return key;
    }

    /** Signs a challenge with the key and verifies it with the certificate's public key. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) throws TlsFileException {
        String alg = switch (publicKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (alg == null) {
            return true; // an exotic key type: the handshake will tell
        }
        try {
            byte[] challenge = "smsrouter key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(publicKey);
            v.update(challenge);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] read(String role, Path file, String what) throws TlsFileException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(role, file, "expected " + what + ", got no file at " + file
                    + " (" + file.toAbsolutePath().normalize() + ")", e);
        } catch (IOException e) {
            throw new TlsFileException(role, file, "expected a readable " + what + " at " + file + ", got "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** The certificate's SHA-256 fingerprint: 64 lower-case hex digits, no separators. */
    public static String sha256(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A fingerprint as written in a config ({@code AB:CD:...} from openssl, or plain hex, any case)
     * in the form of {@link #sha256}; null when it is not 32 bytes of hex.
     */
    public static String normalizeFingerprint(String s) {
        if (s == null) {
            return null;
        }
        String hex = s.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (hex.startsWith("sha256")) {
            hex = hex.substring(6).replaceFirst("^(fingerprint)?=?", "");
        }
        return hex.matches("[0-9a-f]{64}") ? hex : null;
    }

    /**
     * The SHA-256 fingerprint of the certificate the peer presented on this connection, or null
     * when the connection is not TLS, the handshake has not finished, or the peer sent none.
     */
    public static String peerCertificateSha256(ChannelPipeline pipeline) {
        SslHandler ssl = pipeline.get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] peer = ssl.engine().getSession().getPeerCertificates();
            return peer.length > 0 && peer[0] instanceof X509Certificate x ? sha256(x) : null;
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }
}
