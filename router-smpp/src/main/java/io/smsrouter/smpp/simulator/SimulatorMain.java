package io.smsrouter.smpp.simulator;

import io.netty.channel.EventLoopGroup;
import io.smsrouter.smpp.transport.SmppTransport;
import io.smsrouter.smpp.transport.TlsContexts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code scripts/smsc-sim}: the operator SMSC simulator as a process of its own. */
@Command(name = "smsc-sim", mixinStandardHelpOptions = true,
        description = "Operator SMSC simulator: answers submit_sm, sends delivery receipts, can throttle and drop.")
public final class SimulatorMain implements Callable<Integer> {
    @Option(names = "--host", description = "address to listen on (default ${DEFAULT-VALUE})")
    String host = "127.0.0.1";
    @Option(names = "--port", description = "SMPP port (default ${DEFAULT-VALUE}; 0 = any free port)")
    int port = 2776;
    @Option(names = "--system-id", description = "accept only this system_id (default: any)")
    String systemId;
    @Option(names = "--password", description = "accept only this password (default: any)")
    String password;
    @Option(names = "--submit-latency-ms", description = "delay before each submit_sm_resp (default ${DEFAULT-VALUE})")
    int submitLatencyMs = 0;
    @Option(names = "--dlr-delay-ms", description = "delay from submit_sm_resp to the receipt (default ${DEFAULT-VALUE})")
    int dlrDelayMs = 50;
    @Option(names = "--delivered", description = "percent of receipts DELIVRD (default ${DEFAULT-VALUE})")
    int delivered = 100;
    @Option(names = "--undeliverable", description = "percent of receipts UNDELIV (default ${DEFAULT-VALUE})")
    int undeliverable = 0;
    @Option(names = "--expired", description = "percent of receipts EXPIRED (default ${DEFAULT-VALUE})")
    int expired = 0;
    @Option(names = "--tps", description = "answer ESME_RTHROTTLED above this many submit_sm/s; 0 = no ceiling")
    int tps = 0;
    @Option(names = "--drop-every-seconds", description = "close every connection this often; 0 = never")
    int dropEverySeconds = 0;
    @Option(names = "--threads", description = "event-loop threads (default ${DEFAULT-VALUE})")
    int threads = 1;
    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "serve SMPP over TLS with this certificate chain (with --tls-key; scripts/tls-cert makes one)")
    java.nio.file.Path tlsCert;
    @Option(names = "--tls-key", paramLabel = "PEM", description = "the certificate's private key, PEM PKCS#8")
    java.nio.file.Path tlsKey;

    @Override
    public Integer call() throws Exception {
        if (delivered + undeliverable + expired != 100) {
            System.err.println("smsc-sim: --delivered + --undeliverable + --expired must be 100, got "
                    + (delivered + undeliverable + expired));
            return 2;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            System.err.println("smsc-sim: --tls-cert and --tls-key go together");
            return 2;
        }
        io.netty.handler.ssl.SslContext tls = null;
        if (tlsCert != null) {
            try {
                tls = TlsContexts.server(tlsCert, tlsKey, null, false);
            } catch (TlsContexts.TlsFileException e) {
                System.err.println("smsc-sim: --tls-" + e.role() + ": " + e.getMessage());
                return 2;
            }
        }
        EventLoopGroup group = SmppTransport.newGroup("simulator-io", threads);
        SmscSimulator sim = new SmscSimulator(new SimulatorSettings(host, port, systemId, password, submitLatencyMs,
                dlrDelayMs, delivered, undeliverable, expired, tps, 65536), group, tls);
        InetSocketAddress a = sim.start();
        System.out.println("smsc-sim listening on " + a.getHostString() + ":" + a.getPort() + (tls != null ? " (TLS)" : ""));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smsc-sim-stats");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> System.out.printf("smsc-sim: submits=%d throttled=%d receipts=%d acked=%d%n",
                sim.submitCount(), sim.throttledCount(), sim.receiptsSent(), sim.receiptsAcked()), 5, 5, TimeUnit.SECONDS);
        if (dropEverySeconds > 0) {
            timer.scheduleAtFixedRate(sim::dropConnections, dropEverySeconds, dropEverySeconds, TimeUnit.SECONDS);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulatorMain()).execute(args));
    }
}
