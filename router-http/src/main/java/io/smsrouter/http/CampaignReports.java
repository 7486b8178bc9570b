package io.smsrouter.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The reports of campaigns (SPEC §8, {@code GET /api/v1/campaigns/{id}}), as the campaign page
 * ({@code GET /campaigns/{id}} and its {@code report.json}) shows them. The campaign module
 * implements it and hands it to {@link HttpServer#campaignReports}.
 *
 * <p>The report is the JSON object of {@code GET /api/v1/campaigns/{id}}:
 * {@code {"id","name","account","category","from","status","createdAt","schedule","nextRunAt",
 * "trackLinks","total","pending","states":{"ACCEPTED":n,...},"parts","cost","clicks","uniqueClicks",
 * "clickRate","variants":[{"name","share","total","pending","states","parts","cost","clicks",
 * "uniqueClicks","clickRate"}],"timeline":{"start","bucketSeconds","variants":[{"name","sent",
 * "delivered","clicks"}]}}} ({@code cost} a decimal string, {@code clickRate} uniqueClicks /
 * DELIVERED as a number, 0 when nothing was delivered; the timeline arrays are counts per bucket,
 * all of the same length).
 *
 * <p>Called off the event loops (the page's requests run on the HTTP server's worker thread), so an
 * implementation may take a lock or walk the campaign's recipients.
 */
public interface CampaignReports {

    /**
     * The report of campaign {@code campaignId} as {@code accountId} sees it, or null when there is
     * no such campaign for them (unknown, or another account's).
     *
     * @param accountId  the account asking; null for the admin, who sees every account's campaigns
     * @param campaignId the campaign's id as it appears in the URL (not validated by the caller)
     */
    ObjectNode report(String accountId, String campaignId);
}
