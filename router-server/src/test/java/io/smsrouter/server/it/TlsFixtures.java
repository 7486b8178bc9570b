package io.smsrouter.server.it;

import com.cloudhopper.smpp.ssl.SslConfiguration;
import io.smsrouter.smpp.transport.TlsContexts;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The committed test certificates ({@code src/test/resources/tls}, see its README) in the forms the
 * independent peers want: PKCS#12 stores for cloudhopper, an {@link SSLContext} for
 * {@code java.net.http} and for jsmpp's server socket.
 */
final class TlsFixtures {
    static final String STORE_PASSWORD = "changeit";

    private TlsFixtures() {
    }

    /** {@code tls/<name>} from the test classpath, as a file. */
    static Path file(String name) {
        try {
            return Path.of(TlsFixtures.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource tls/" + name + " missing", e);
        }
    }

    static X509Certificate certificate(String name) throws Exception {
        return TlsContexts.certificates("cert", file(name + ".crt")).get(0);
    }

    /** SHA-256 fingerprint of {@code tls/<name>.crt}, as openssl prints it (upper case, colons). */
    static String opensslFingerprint(String name) throws Exception {
        String hex = TlsContexts.sha256(certificate(name)).toUpperCase();
        return String.join(":", hex.split("(?<=\\G..)"));
    }

    static PrivateKey privateKey(String name) throws Exception {
        String pem = Files.readString(file(name + ".key"), StandardCharsets.US_ASCII);
        String b64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(b64)));
    }

    /** A PKCS#12 store holding the test CA as a trusted certificate. */
    static Path trustStore(Path dir) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", certificate("ca"));
        return write(ks, dir.resolve("trust.p12"));
    }

    /** A PKCS#12 store holding {@code tls/<name>.crt} with its key. */
    static Path keyStore(Path dir, String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(name, privateKey(name), STORE_PASSWORD.toCharArray(), new X509Certificate[] {certificate(name)});
        return write(ks, dir.resolve(name + ".p12"));
    }

    private static Path write(KeyStore ks, Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, STORE_PASSWORD.toCharArray());
        }
        return file;
    }

    /** cloudhopper's SSL settings: trust the test CA; present {@code clientCert} (a name) when not null. */
    static SslConfiguration cloudhopper(Path dir, String clientCert) throws Exception {
        SslConfiguration ssl = new SslConfiguration();
        ssl.setTrustStorePath(trustStore(dir).toString());
        ssl.setTrustStorePassword(STORE_PASSWORD);
        ssl.setTrustStoreType("PKCS12");
        // cloudhopper wants a key store even for a client without a certificate: the trust store,
        // which holds no key, makes it present none
        ssl.setKeyStorePath(clientCert != null ? keyStore(dir, clientCert).toString() : ssl.getTrustStorePath());
        ssl.setKeyStorePassword(STORE_PASSWORD);
        ssl.setKeyManagerPassword(STORE_PASSWORD);
        ssl.setKeyStoreType("PKCS12");
        return ssl;
    }

    /** A JDK context trusting only the test CA. */
    static SSLContext trustingTestCa() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", certificate("ca"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A JDK TLS server socket on loopback, port 0, presenting {@code tls/<name>.crt}. */
    static SSLServerSocket serverSocket(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(name, privateKey(name), STORE_PASSWORD.toCharArray(),
                List.of(certificate(name), certificate("ca")).toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, STORE_PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getByName(ItConfig.HOST));
    }
}
