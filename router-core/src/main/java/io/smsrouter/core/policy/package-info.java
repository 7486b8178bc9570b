/**
 * Sending policies checked on every message's path: the opt-out registry ({@link
 * io.smsrouter.core.policy.OptOutRegistry}, {@link io.smsrouter.core.policy.LocalOptOutRegistry})
 * and the recognition of opt-out requests in mobile-originated texts ({@link
 * io.smsrouter.core.policy.StopKeywords}).
 */
package io.smsrouter.core.policy;
