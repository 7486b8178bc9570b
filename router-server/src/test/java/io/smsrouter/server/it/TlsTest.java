package io.smsrouter.server.it;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import io.smsrouter.server.config.ConfigException;
import io.smsrouter.smpp.transport.TlsContexts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TLS end to end, with peers we did not write: cloudhopper's client binding over its own SSL
 * set-up, java.net.http for HTTPS, jsmpp on a JDK {@code SSLServerSocket} as an operator that
 * requires TLS. The certificates are the committed test CA and its certificates ({@link TlsFixtures}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TlsTest {
    private static final String PINNED = "pinned";
    private static final String PINNED_PASSWORD = "pinpw";

    @TempDir
    Path journal;
    @TempDir
    Path stores;
    private Router router;
    private ChClient client;
    private JsmppSmsc smsc;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
        if (smsc != null) {
            smsc.close();
        }
    }

    private static Path tls(String name) {
        return TlsFixtures.file(name);
    }

    @Test
    void shouldBindSubmitAndGetTheReceiptOverTlsThroughASimulatorSpeakingTls() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator()
                .simulatorTls(tls("server.crt"), tls("server.key"))
                .operatorTls(tls("ca.crt"), true)
                .smppTls(tls("server.crt"), tls("server.key"), null).build()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> router.operators().get(0).boundCount() == 1);
        client = new ChClient();

        ChSession session = client.bind(router.smppTlsAddress(), SmppBindType.TRANSCEIVER, ItConfig.ACCOUNT,
                ItConfig.PASSWORD, 10, TlsFixtures.cloudhopper(stores, null));
        SubmitSmResp resp = session.submit(1);

        assertThat(resp.getCommandStatus()).isZero();
        String id = resp.getMessageId();
        await().atMost(Duration.ofSeconds(20)).until(() -> session.receiptFor(id) != null);
        assertThat(session.receiptFor(id).stat()).isEqualTo("DELIVRD");
        assertThat(router.simulator().submitCount()).as("submit_sm at the TLS simulator").isEqualTo(1);
        assertThat(router.smppTlsAddress().getPort()).isNotEqualTo(router.smppAddress().getPort());
    }

    @Test
    void shouldBindAnAccountPinnedToAClientCertificateOnlyWithThatCertificate() throws Exception {
        String fingerprint = TlsFixtures.opensslFingerprint("client");
        router = new Router(ItConfig.journal(journal).withSimulator()
                .account(new AccountConfig(PINNED, PINNED_PASSWORD, null, AccountConfig.MODERATION_NONE, 0, 4,
                        List.of()).withClientCert(TlsContexts.normalizeFingerprint(fingerprint)))
                .smppTls(tls("server.crt"), tls("server.key"), tls("ca.crt")).build()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> router.operators().get(0).boundCount() == 1);
        client = new ChClient();

        assertThat(bindFailure(router.smppTlsAddress(), PINNED, PINNED_PASSWORD, TlsFixtures.cloudhopper(stores, null)))
                .as("over TLS without a client certificate").isEqualTo(SmppConstants.STATUS_BINDFAIL);
        assertThat(bindFailure(router.smppAddress(), PINNED, PINNED_PASSWORD, null))
                .as("over plain TCP").isEqualTo(SmppConstants.STATUS_BINDFAIL);
        assertThat(bindFailure(router.smppTlsAddress(), PINNED, "wrong", TlsFixtures.cloudhopper(stores, null)))
                .as("without the certificate a wrong password is not even checked").isEqualTo(SmppConstants.STATUS_BINDFAIL);
        assertThatThrownBy(() -> client.bind(router.smppTlsAddress(), SmppBindType.TRANSCEIVER, PINNED, PINNED_PASSWORD,
                1, TlsFixtures.cloudhopper(stores, "stranger")))
                .as("a certificate not from smpp.tls.clientCa fails the handshake");

        ChSession pinned = client.bind(router.smppTlsAddress(), SmppBindType.TRANSCEIVER, PINNED, PINNED_PASSWORD, 10,
                TlsFixtures.cloudhopper(stores, "client"));
        assertThat(pinned.submit(0).getCommandStatus()).isZero();
        assertThat(bindFailure(router.smppTlsAddress(), PINNED, "wrong", TlsFixtures.cloudhopper(stores, "client")))
                .as("with the certificate the password still counts").isEqualTo(SmppConstants.STATUS_INVPASWD);
        // an account without clientCert binds over TLS without a certificate, and over plain TCP
        client.bind(router.smppTlsAddress(), SmppBindType.TRANSCEIVER, ItConfig.ACCOUNT, ItConfig.PASSWORD, 10,
                TlsFixtures.cloudhopper(stores, null));
        client.bindTransceiver(router.smppAddress());
    }

    @Test
    void shouldPinAClientCertificateByFingerprintWithoutAClientCa() throws Exception {
        String stranger = TlsContexts.sha256(TlsFixtures.certificate("stranger"));
        router = new Router(ItConfig.journal(journal).withSimulator()
                .account(new AccountConfig(PINNED, PINNED_PASSWORD, null, AccountConfig.MODERATION_NONE, 0, 4,
                        List.of()).withClientCert(stranger))
                .smppTls(tls("server.crt"), tls("server.key"), null).build()).start();
        client = new ChClient();

        assertThat(bindFailure(router.smppTlsAddress(), PINNED, PINNED_PASSWORD, TlsFixtures.cloudhopper(stores, "client")))
                .as("another certificate, even one from the CA").isEqualTo(SmppConstants.STATUS_BINDFAIL);
        ChSession pinned = client.bind(router.smppTlsAddress(), SmppBindType.TRANSCEIVER, PINNED, PINNED_PASSWORD, 10,
                TlsFixtures.cloudhopper(stores, "stranger"));
        assertThat(pinned.submit(0).getCommandStatus()).isZero();
    }

    @Test
    void shouldServeHttpsToAClientTrustingTheCertificate() throws Exception {
        router = new Router(ItConfig.journal(journal).httpTls(tls("server.crt"), tls("server.key")).build()).start();
        HttpClient http = HttpClient.newBuilder().sslContext(TlsFixtures.trustingTestCa())
                .connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + router.httpsAddress().getPort() + "/api/v1/accounts")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as("the admin API over HTTPS, without a token").isEqualTo(401);
        assertThat(r.body()).contains("\"unauthorized\"");
        assertThat(r.sslSession()).isPresent();
        assertThat(r.sslSession().get().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + router.httpAddress().getPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).as("the plain port still serves /health").isEqualTo(200);
        HttpClient trustingNothing = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> trustingNothing.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + router.httpsAddress().getPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()))
                .as("a client that does not trust the test CA").isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    @Test
    void shouldSendToAJsmppOperatorOverTlsAndMatchItsReceipt() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD, TlsFixtures.serverSocket("server"));
        router = new Router(ItConfig.journal(journal).operatorAt(smsc.port()).operatorTls(tls("ca.crt"), true)
                .build()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> router.operators().get(0).boundCount() == 1);
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());

        session.submitAsync(50, 1);

        await().atMost(Duration.ofSeconds(30)).until(() -> session.deliverSmCount() >= 50);
        assertThat(smsc.submitCount()).isEqualTo(50);
        Receipts.assertOneReceiptPerId(session.deliverSms(), session.okIds());
    }

    @Test
    void shouldNotBindToAnOperatorWhoseCertificateNamesAnotherHost() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD,
                TlsFixtures.serverSocket("otherhost"));
        router = new Router(ItConfig.journal(journal).operatorAt(smsc.port()).operatorTls(tls("ca.crt"), true)
                .build()).start();

        Thread.sleep(2_000); // several connection attempts (reconnect 200 ms .. 1 s)
        assertThat(router.operators().get(0).boundCount()).as("binds up with a certificate for other.example")
                .isZero();
        assertThat(smsc.boundSessions()).isZero();
    }

    @Test
    void shouldBindToThatOperatorWhenHostnameVerificationIsOff() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD,
                TlsFixtures.serverSocket("otherhost"));
        router = new Router(ItConfig.journal(journal).operatorAt(smsc.port()).operatorTls(tls("ca.crt"), false)
                .build()).start();

        await().atMost(Duration.ofSeconds(20)).until(() -> router.operators().get(0).boundCount() == 1);
    }

    @Test
    void shouldNotBindToAnOperatorItDoesNotTrust() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD, TlsFixtures.serverSocket("server"));
        // trusting only the stranger's self-signed certificate, not the CA that signed the operator's
        router = new Router(ItConfig.journal(journal).operatorAt(smsc.port()).operatorTls(tls("stranger.crt"), true)
                .build()).start();

        Thread.sleep(2_000);
        assertThat(router.operators().get(0).boundCount()).isZero();
        assertThat(smsc.boundSessions()).isZero();
    }

    @Test
    void shouldStopTheStartNamingTheKeyAndTheFileOfABadTlsFile() {
        assertThatThrownBy(() -> new Router(ItConfig.journal(journal)
                .smppTls(tls("server.crt"), tls("client.key"), null).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("it-router.yaml: smpp.tls.key: expected the private key of the certificate")
                .hasMessageContaining("client.key");
        assertThatThrownBy(() -> new Router(ItConfig.journal(journal)
                .httpTls(journal.resolve("missing.crt"), tls("server.key")).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("it-router.yaml: http.tls.cert: expected a PEM certificate file, got no file at")
                .hasMessageContaining("missing.crt");
        assertThatThrownBy(() -> new Router(ItConfig.journal(journal)
                .smppTls(tls("server.crt"), tls("server-pkcs1.key"), null).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smpp.tls.key: expected a PEM PKCS#8 private key")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in");
    }

    private int bindFailure(java.net.InetSocketAddress at, String systemId, String password,
                            com.cloudhopper.smpp.ssl.SslConfiguration ssl) throws Exception {
        try {
            client.bind(at, SmppBindType.TRANSCEIVER, systemId, password, 1, ssl).close();
        } catch (com.cloudhopper.smpp.type.SmppBindException e) {
            return e.getBindResponse().getCommandStatus();
        }
        throw new AssertionError("bind of '" + systemId + "' was accepted, expected a refusal");
    }
}
