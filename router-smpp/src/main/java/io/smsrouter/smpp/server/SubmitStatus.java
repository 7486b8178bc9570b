package io.smsrouter.smpp.server;

import io.smsrouter.core.engine.SubmitOutcome;
import io.smsrouter.smpp.pdu.CommandStatus;

/** The command_status a client gets for each engine outcome (documented in the README). */
final class SubmitStatus {
    private SubmitStatus() {
    }

    static int of(SubmitOutcome o) {
        return switch (o) {
            case ACCEPTED -> CommandStatus.ESME_ROK;
            case THROTTLED -> CommandStatus.ESME_RTHROTTLED;
            case OVERLOADED -> CommandStatus.ESME_RMSGQFUL;
            case SENDER_NOT_ALLOWED -> CommandStatus.ESME_RINVSRCADR;
            case INVALID_DESTINATION -> CommandStatus.ESME_RINVDSTADR;
            case NO_ROUTE -> CommandStatus.ESME_RSUBMITFAIL;
            case INVALID_SCHEDULE -> CommandStatus.ESME_RINVSCHED;
            case OPTED_OUT -> CommandStatus.ROUTER_ROPTEDOUT;
            case NO_CONSENT -> CommandStatus.ROUTER_RNOCONSENT;
            case NO_BALANCE -> CommandStatus.ROUTER_RNOBALANCE;
            case NO_PRICE -> CommandStatus.ROUTER_RNOPRICE;
            case SYSTEM_ERROR, CLUSTER_UNAVAILABLE -> CommandStatus.ESME_RSYSERR;
        };
    }
}
