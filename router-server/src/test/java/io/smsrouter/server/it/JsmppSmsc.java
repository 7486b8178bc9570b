package io.smsrouter.server.it;

import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.ServerConnection;
import org.jsmpp.session.connection.ServerConnectionFactory;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.MessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An operator SMSC built on jsmpp's server side (an implementation we did not write): accepts the
 * router's binds with the expected credentials, answers submit_sm with ids of its own
 * ({@code J<n>}), and after each submit_sm_resp has gone out sends a delivery receipt from another
 * thread: deliver_sm with esm_class "SMSC delivery receipt" and jsmpp's {@link DeliveryReceipt}
 * text. Every other receipt also carries the receipted_message_id and message_state TLVs; the rest
 * are text only, as some operators send them.
 */
public final class JsmppSmsc implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JsmppSmsc.class);

    private final String systemId;
    private final String password;
    private final ServerSocket serverSocket;
    private final SMPPServerSessionListener listener;
    private final Thread acceptor;
    private final ExecutorService binds = Executors.newCachedThreadPool(daemon("jsmpp-bind"));
    private final ExecutorService receiptSenders = Executors.newFixedThreadPool(8, daemon("jsmpp-dlr"));
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    private final Map<String, SubmitSm> awaitingResp = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger submits = new AtomicInteger();
    private final List<SubmitSm> received = new CopyOnWriteArrayList<>();
    private final List<Long> receivedAt = new CopyOnWriteArrayList<>();
    /** For each submit_sm received, the id of the session (bind) it came on. */
    private final java.util.Map<SubmitSm, String> sessionOf = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger receiptsSent = new AtomicInteger();
    private final AtomicInteger receiptErrors = new AtomicInteger();
    private final AtomicInteger boundSessions = new AtomicInteger();
    private final boolean receiptFirst;
    private volatile boolean running = true;

    public JsmppSmsc(String systemId, String password) throws IOException {
        this(systemId, password, false);
    }

    /**
     * @param receiptFirst true: each receipt is sent, and acknowledged by the router, before the
     *                     submit_sm_resp that gives the router the id it names (an operator whose
     *                     receipt overtakes its response, as on another bind)
     */
    public JsmppSmsc(String systemId, String password, boolean receiptFirst) throws IOException {
        this(systemId, password, receiptFirst, new ServerSocket(0, 50, InetAddress.getByName(ItConfig.HOST)));
    }

    /** Listening on {@code serverSocket}: an {@code SSLServerSocket} makes it an operator that requires TLS. */
    public JsmppSmsc(String systemId, String password, ServerSocket serverSocket) throws IOException {
        this(systemId, password, false, serverSocket);
    }

    private JsmppSmsc(String systemId, String password, boolean receiptFirst, ServerSocket serverSocket)
            throws IOException {
        this.systemId = systemId;
        this.password = password;
        this.receiptFirst = receiptFirst;
        this.serverSocket = serverSocket;
        ServerSocket socket = serverSocket;
        ServerConnectionFactory factory = new ServerConnectionFactory() {
            @Override
            public ServerConnection listen(int port) {
                return new ServerSocketConnection(socket);
            }

            @Override
            public ServerConnection listen(int port, int timeout) {
                return new ServerSocketConnection(socket);
            }

            @Override
            public ServerConnection listen(int port, int timeout, int backlog) {
                return new ServerSocketConnection(socket);
            }
        };
        this.listener = new SMPPServerSessionListener(0, factory);
        // jsmpp hands responses to the same worker pool as requests: with receipts sent from inside
        // onAcceptSubmitSm, a worker waits for each deliver_sm_resp, so there must be more workers
        // than the router has submit_sm outstanding (its window, 64) or the responses never get one
        listener.setPduProcessorDegree(receiptFirst ? 160 : 4);
        listener.setQueueCapacity(1_000);
        listener.setMessageReceiverListener(new Receiver());
        listener.setResponseDeliveryListener(new AfterResponse());
        this.acceptor = new Thread(this::acceptLoop, "jsmpp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public int submitCount() {
        return submits.get();
    }

    /** Every submit_sm taken, in arrival order (jsmpp's decoding of it). */
    /** The id of the session (bind) a received submit_sm came on. */
    public String sessionOf(SubmitSm sm) {
        return sessionOf.get(sm);
    }

    public List<SubmitSm> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public int receiptsSent() {
        return receiptsSent.get();
    }

    public int receiptErrors() {
        return receiptErrors.get();
    }

    public int boundSessions() {
        return boundSessions.get();
    }

    /** Sessions bound now. */
    public int boundNow() {
        return (int) sessions.stream().filter(x -> x.getSessionState().isBound()).count();
    }

    /** When each submit_sm of {@link #received} came ({@link System#nanoTime}), in the same order. */
    public List<Long> receivedAtNanos() {
        return List.copyOf(receivedAt);
    }

    private void acceptLoop() {
        while (running) {
            try {
                SMPPServerSession s = listener.accept();
                sessions.add(s);
                binds.execute(() -> bind(s));
            } catch (IOException e) {
                if (running) {
                    log.warn("jsmpp accept failed: {}", e.toString());
                }
                return;
            }
        }
    }

    private void bind(SMPPServerSession s) {
        try {
            s.setTransactionTimer(10_000);
            BindRequest req = s.waitForBind(5_000);
            if (!systemId.equals(req.getSystemId())) {
                req.reject(SMPPConstant.STAT_ESME_RINVSYSID);
            } else if (!password.equals(req.getPassword())) {
                req.reject(SMPPConstant.STAT_ESME_RINVPASWD);
            } else {
                req.accept("jsmppsmsc", InterfaceVersion.IF_34);
                boundSessions.incrementAndGet();
            }
        } catch (Exception e) {
            log.warn("jsmpp bind failed: {}", e.toString());
            s.close();
        }
    }

    /** A subscriber's reply (an MO deliver_sm, UCS-2) from {@code from} to {@code to}, on the first bound session. */
    public void sendMo(String from, String to, String text) throws Exception {
        SMPPServerSession session = sessions.stream().filter(x -> x.getSessionState().isBound()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no bound session"));
        session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, from,
                TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, to,
                new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, GSMSpecificFeature.DEFAULT),
                (byte) 0, (byte) 0, new RegisteredDelivery(0), DataCodings.newInstance((byte) 8),
                text.getBytes(StandardCharsets.UTF_16BE));
    }

    private volatile boolean anyBind;

    /**
     * From now on a receipt that cannot go out on the session its message came on (closed, or the
     * router died) goes out on another bound session of the system id, tried again for a minute, as
     * an SMSC that stores receipts does.
     */
    public JsmppSmsc receiptsOnAnyBind() {
        this.anyBind = true;
        return this;
    }

    private volatile long holdFirstMs;

    /**
     * The answer to the first submit_sm is held for {@code ms} while the other workers answer the
     * ones after it, as an operator whose one slow database lookup does not stop the rest.
     */
    public JsmppSmsc holdFirstResponse(long ms) {
        this.holdFirstMs = ms;
        return this;
    }

    private volatile java.util.function.Predicate<String> undeliverable = text -> false;

    /** Receipts of messages whose text passes {@code which} say UNDELIV (error 001) instead of DELIVRD. */
    public JsmppSmsc undeliverableWhen(java.util.function.Predicate<String> which) {
        this.undeliverable = which;
        return this;
    }

    private void sendReceipt(SMPPServerSession first, String id, SubmitSm sm, boolean withTlvs) {
        if (!anyBind) {
            sendReceiptOn(first, id, sm, withTlvs, true);
            return;
        }
        long deadline = System.currentTimeMillis() + 60_000;
        SMPPServerSession session = first;
        int turn = 0;
        while (running) {
            if (session != null && session.getSessionState().isBound()
                    && sendReceiptOn(session, id, sm, withTlvs, System.currentTimeMillis() > deadline)) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                return;
            }
            List<SMPPServerSession> bound = sessions.stream().filter(x -> x.getSessionState().isBound()).toList();
            session = bound.isEmpty() ? null : bound.get(turn++ % bound.size());
            if (session == null) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private boolean sendReceiptOn(SMPPServerSession session, String id, SubmitSm sm, boolean withTlvs,
                                  boolean last) {
        Date now = new Date();
        byte[] original = sm.getShortMessage() == null ? new byte[0] : sm.getShortMessage();
        String text = new String(original, 0, Math.min(20, original.length), StandardCharsets.ISO_8859_1);
        boolean undeliv = undeliverable.test(new String(original, StandardCharsets.ISO_8859_1));
        DeliveryReceipt dr = new DeliveryReceipt(id, 1, undeliv ? 0 : 1, now, now,
                undeliv ? DeliveryReceiptState.UNDELIV : DeliveryReceiptState.DELIVRD, undeliv ? "001" : "000", text);
        OptionalParameter[] tlvs = withTlvs
                ? new OptionalParameter[]{new OptionalParameter.Receipted_message_id(id),
                        new OptionalParameter.Message_state(undeliv ? MessageState.UNDELIVERABLE.value()
                                : MessageState.DELIVERED.value())}
                : new OptionalParameter[0];
        try {
            session.deliverShortMessage("",
                    TypeOfNumber.valueOf(sm.getDestAddrTon()), NumberingPlanIndicator.valueOf(sm.getDestAddrNpi()),
                    sm.getDestAddress(),
                    TypeOfNumber.valueOf(sm.getSourceAddrTon()), NumberingPlanIndicator.valueOf(sm.getSourceAddrNpi()),
                    sm.getSourceAddr(),
                    new ESMClass(MessageMode.DEFAULT, MessageType.SMSC_DEL_RECEIPT, GSMSpecificFeature.DEFAULT),
                    (byte) 0, (byte) 0, new RegisteredDelivery(0), DataCodings.ZERO,
                    dr.toString().getBytes(StandardCharsets.ISO_8859_1), tlvs);
            receiptsSent.incrementAndGet();
            return true;
        } catch (Exception e) {
            if (last) {
                receiptErrors.incrementAndGet();
                log.warn("jsmpp: receipt for {} not delivered: {}", id, e.toString());
            }
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        receiptSenders.shutdownNow();
        for (SMPPServerSession s : sessions) {
            s.unbindAndClose();
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        binds.shutdownNow();
        try {
            receiptSenders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Receiver implements ServerMessageReceiverListener {
        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm sm, SMPPServerSession source) throws ProcessRequestException {
            String id = "J" + ids.incrementAndGet();
            try {
                MessageId messageId = new MessageId(id);
                submits.incrementAndGet();
                synchronized (received) {
                    received.add(sm);
                    receivedAt.add(System.nanoTime());
                }
                sessionOf.put(sm, source.getSessionId());
                if (holdFirstMs > 0 && id.equals("J1")) {
                    Thread.sleep(holdFirstMs);
                }
                if (receiptFirst) {
                    if ((sm.getRegisteredDelivery() & 0x03) != 0) {
                        sendReceipt(source, id, sm, Long.parseLong(id.substring(1)) % 2 == 0);
                    }
                } else {
                    awaitingResp.put(id, sm);
                }
                return new SubmitSmResult(messageId, new OptionalParameter[0]);
            } catch (Exception e) {
                throw new ProcessRequestException(e.toString(), SMPPConstant.STAT_ESME_RSYSERR, e);
            }
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti sm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm q, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm r, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public void onAcceptCancelSm(CancelSm c, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm b, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm c, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm q, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm d, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }
    }

    /** The receipt goes out only after the submit_sm_resp carrying its id has been written. */
    private final class AfterResponse implements ServerResponseDeliveryListener {
        @Override
        public void onSubmitSmRespSent(SubmitSmResult result, SMPPServerSession source) {
            String id = result.getMessageId();
            SubmitSm sm = awaitingResp.remove(id);
            if (sm == null || (sm.getRegisteredDelivery() & 0x03) == 0) {
                return;
            }
            boolean withTlvs = Long.parseLong(id.substring(1)) % 2 == 0;
            receiptSenders.execute(() -> sendReceipt(source, id, sm, withTlvs));
        }

        @Override
        public void onSubmitSmRespError(SubmitSmResult result, Exception e, SMPPServerSession source) {
            awaitingResp.remove(result.getMessageId());
            log.warn("jsmpp: submit_sm_resp {} not sent: {}", result.getMessageId(), e.toString());
        }

        @Override
        public void onSubmitMultiRespSent(SubmitMultiResult result, SMPPServerSession source) {
        }

        @Override
        public void onSubmitMultiRespError(SubmitMultiResult result, Exception e, SMPPServerSession source) {
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
