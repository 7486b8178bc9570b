package io.smsrouter.bench.links;

import io.netty.channel.EventLoopGroup;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.campaign.LinkCodes;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordFile;
import io.smsrouter.core.route.RouteTable;
import io.smsrouter.http.HttpServer;
import io.smsrouter.smpp.transport.SmppTransport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throughput of the short-link redirect {@code GET /l/{code}}: the real {@link HttpServer} on
 * loopback with a campaign-shaped resolver of {@code --codes} links, driven by {@code wrk} with
 * keep-alive connections, each request a random code of the campaign. Prints the resolver's heap
 * per million codes, then per run requests/s and wrk's p50/p99, alternating with runs against
 * {@code GET /health} (the cheapest endpoint, a baseline that makes the numbers comparable on a
 * shared machine), and the median of each. wrk does not correct for coordinated omission: its p99
 * is the latency of a closed loop of {@code --connections} requests.
 *
 * <pre>
 * java -cp router-bench/target/router-bench.jar io.smsrouter.bench.links.LinkRedirectBench \
 *     --codes 1000000 --runs 3 --seconds 10 --connections 64
 * </pre>
 */
@Command(name = "link-redirect-bench", mixinStandardHelpOptions = true,
        description = "Requests/s and latency of GET /l/{code} under wrk, with an in-memory resolver.")
public final class LinkRedirectBench implements Callable<Integer> {
    @Option(names = "--codes", description = "links of the campaign (default ${DEFAULT-VALUE})")
    int codes = 1_000_000;
    @Option(names = "--links-per-recipient", description = "default ${DEFAULT-VALUE}")
    int linksPerRecipient = 1;
    @Option(names = "--runs", description = "wrk runs (default ${DEFAULT-VALUE})")
    int runs = 3;
    @Option(names = "--seconds", description = "seconds per run (default ${DEFAULT-VALUE})")
    int seconds = 10;
    @Option(names = "--connections", description = "wrk connections (default ${DEFAULT-VALUE})")
    int connections = 64;
    @Option(names = "--wrk-threads", description = "default ${DEFAULT-VALUE}")
    int wrkThreads = 1;
    @Option(names = "--server-threads", description = "HTTP event loops (default ${DEFAULT-VALUE}, as the router "
            + "gives HTTP on 2 cores)")
    int serverThreads = 1;
    @Option(names = "--sample", description = "codes wrk picks from, spread over the whole campaign "
            + "(default ${DEFAULT-VALUE})")
    int sample = 100_000;
    @Option(names = "--wrk", description = "default ${DEFAULT-VALUE}")
    String wrk = "/usr/bin/wrk";

    public static void main(String[] args) {
        System.exit(new CommandLine(new LinkRedirectBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isExecutable(Path.of(wrk))) {
            System.err.println("wrk not found at " + wrk + " (apt-get install wrk, or --wrk PATH)");
            return 2;
        }
        int recipients = codes / linksPerRecipient;
        String[] urls = new String[linksPerRecipient];
        for (int l = 0; l < linksPerRecipient; l++) {
            urls[l] = "https://shop.example.com/sale/item-" + l + "?id=42#sizes";
        }
        LinkCodes linkCodes = new LinkCodes("benchmark key, thirty-two bytes!".getBytes(StandardCharsets.US_ASCII));
        // the second of two identical resolvers is measured: the first one's construction loads and
        // initialises whatever it needs once
        CampaignLinksResolver first = new CampaignLinksResolver(linkCodes, 5_000_000_000L, recipients, urls,
                "Весна 2026", new String[] {"A", "B"});
        long before = usedHeapAfterGc();
        CampaignLinksResolver resolver = new CampaignLinksResolver(linkCodes, 5_000_000_000L, recipients, urls,
                "Весна 2026", new String[] {"A", "B"});
        long after = usedHeapAfterGc();
        java.lang.ref.Reference.reachabilityFence(first);
        long total = (long) recipients * linksPerRecipient;
        System.out.printf("resolver: %,d bytes of arrays for %,d codes (%,d per million: a click counter per link, "
                        + "a variant byte per recipient); heap measured after GC (%s): %,d bytes more; the codes "
                        + "themselves: 0 bytes (computed from the number)%n", resolver.arrayBytes(), total,
                resolver.arrayBytes() * 1_000_000L / total, gcNames(), after - before);

        Path dir = Files.createTempDirectory("link-bench");
        ChronicleJournal journal = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        Engine engine = new Engine(new AccountRegistry(List.of(
                Account.of("shop", "pw", "k-shop", Moderation.NONE, 0, 4, List.of()))),
                new RouteTable(List.of()), List.of(), journal, new LocalReceiptCorrelator(Duration.ofHours(1), 1000),
                new ClientRegistry(), 1000);
        EventLoopGroup group = SmppTransport.newGroup("http-io", serverThreads);
        HttpServer server = new HttpServer("127.0.0.1", 0, group, SmppTransport.serverChannel(), engine, () -> null,
                "admin-token", new StopWordFile(null, Moderator.withoutStopWords()), HttpServer.ApiOptions.defaults());
        server.linkResolver(resolver);
        try {
            InetSocketAddress a = server.start();
            Path script = writeScript(dir, resolver, recipients, "links.lua", "/l/");
            // the same client work (a random pick, the same header) so that the ratio is the server's
            Path health = writeScript(dir, resolver, recipients, "health.lua", "/health?c=");
            String url = "http://127.0.0.1:" + a.getPort();
            System.out.printf("server: %d event loop(s), %s; wrk: %d thread(s), %d connections, %d s a run; "
                            + "load average before: %s%n", serverThreads, SmppTransport.serverChannel().getSimpleName(),
                    wrkThreads, connections, seconds, loadAverage());
            run(url, script, 10, "warm-up /l/{code}");
            run(url, health, 3, "warm-up /health");
            List<double[]> links = new ArrayList<>();
            List<double[]> baseline = new ArrayList<>();
            for (int r = 1; r <= runs; r++) {
                links.add(run(url, script, seconds, "run " + r + " /l/{code}"));
                baseline.add(run(url, health, seconds, "run " + r + " /health (baseline)"));
            }
            double[] median = median(links);
            double[] base = median(baseline);
            System.out.printf("median of %d: /l/{code} %,.0f requests/s, p50 %.2f ms, p99 %.2f ms; /health %,.0f "
                            + "requests/s, p99 %.2f ms; ratio %.2f; load average after: %s; clicks recorded: %,d%n",
                    runs, median[0], median[1], median[2], base[0], base[2], median[0] / base[0], loadAverage(),
                    resolver.totalClicks());
        } finally {
            server.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            journal.close();
            try (var files = Files.walk(dir)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /** The run with the median requests/s. */
    private static double[] median(List<double[]> runs) {
        List<double[]> sorted = new ArrayList<>(runs);
        sorted.sort((x, y) -> Double.compare(x[0], y[0]));
        return sorted.get(sorted.size() / 2);
    }

    /** A wrk script asking for a random code out of {@code sample} spread over the campaign. */
    private Path writeScript(Path dir, CampaignLinksResolver resolver, int recipients, String name, String prefix)
            throws IOException {
        SplittableRandom rnd = new SplittableRandom(13);
        StringBuilder lua = new StringBuilder("local codes = {\n");
        for (int i = 0; i < sample; i++) {
            lua.append('"').append(resolver.codeOf(rnd.nextInt(recipients), rnd.nextInt(linksPerRecipient)))
                    .append("\",\n");
        }
        lua.append("}\nlocal n = #codes\n")
                .append("math.randomseed(os.time())\n")
                .append("request = function()\n")
                .append("  return wrk.format(\"GET\", \"" + prefix + "\" .. codes[math.random(n)], "
                        + "{[\"User-Agent\"] = \"Mozilla/5.0 (Linux; Android 14) wrk\"})\n")
                .append("end\n");
        Path script = dir.resolve(name);
        Files.writeString(script, lua);
        return script;
    }

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P50 = Pattern.compile("(?m)^\\s+50%\\s+([0-9.]+)(us|ms|s)");
    private static final Pattern P99 = Pattern.compile("(?m)^\\s+99%\\s+([0-9.]+)(us|ms|s)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    /** One wrk run: {requests/s, p50 ms, p99 ms}. */
    private double[] run(String url, Path script, int runSeconds, String name) throws Exception {
        Process p = new ProcessBuilder(wrk, "-t" + wrkThreads, "-c" + connections, "-d" + runSeconds + "s",
                "--latency", "-s", script.toString(), url).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
            }
        }
        if (!p.waitFor(runSeconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("wrk failed:\n" + out);
        }
        Matcher bad = NON_2XX.matcher(out);
        if (bad.find()) {
            throw new IllegalStateException(bad.group(1) + " answers were not 302:\n" + out);
        }
        double rps = number(RPS, out, name);
        double p50 = millis(P50, out, name);
        double p99 = millis(P99, out, name);
        System.out.printf("%s: %,.0f requests/s, p50 %.2f ms, p99 %.2f ms%n", name, rps, p50, p99);
        return new double[] {rps, p50, p99};
    }

    private static double number(Pattern p, CharSequence out, String name) {
        Matcher m = p.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException(name + ": no " + p + " in wrk's output:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static double millis(Pattern p, CharSequence out, String name) {
        Matcher m = p.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException(name + ": no " + p + " in wrk's output:\n" + out);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static String gcNames() {
        return String.join("+", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
    }
}
