package io.smsrouter.core.engine;

import io.smsrouter.core.message.Receipt;

/** A bound client connection, as the engine sees it: somewhere to deliver receipts. */
public interface ClientSession {

    String accountId();

    /** True for receiver and transceiver binds. */
    boolean receivesReceipts();

    /**
     * Hands a receipt to the session for sending. Returns false if the session can take no more
     * (closed, or too many receipts unacknowledged): the caller keeps the receipt. A receipt taken
     * is reported back with {@link Engine#receiptForwarded} once the client acknowledged it, or
     * given back with {@link Engine#redeliver} if the session closes first.
     */
    boolean deliver(Receipt receipt);
}
