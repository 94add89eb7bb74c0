package io.darner.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant's bandwidth policy over REST: set at creation or replaced with
 * {@code PUT /tenants/{name}/bandwidth}, shown with the tenant, audited; bad rates are a 400 naming
 * the field and change nothing. (That tasks carry the policy to nodes and seed: FanOutRouteTest.)
 */
class TenantBandwidthRestTest extends RestTestBase {

    private String tenant(Object bandwidth) {
        String name = TaskRestTest.unique("bw");
        Res r = postJson("/tenants", admin(), bandwidth == null ? Map.of("name", name) : Map.of("name", name, "bandwidth", bandwidth));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return name;
    }

    private JsonNode bandwidth(String tenant) {
        Res r = get("/tenants/" + tenant, admin());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().path("bandwidth");
    }

    @Test
    void aPolicyGivenAtCreationIsShownInBytesPerSecond() {
        String t = tenant(Map.of("nodeDownload", "20MB/s", "task", "40Mbit/s", "originEgress", 30_000_000));
        JsonNode b = bandwidth(t);
        assertThat(b.path("nodeDownloadBytesPerSecond").asLong()).isEqualTo(20_000_000);
        assertThat(b.path("taskBytesPerSecond").asLong()).isEqualTo(5_000_000);
        assertThat(b.path("originEgressBytesPerSecond").asLong()).isEqualTo(30_000_000);
        assertThat(bandwidth(tenant(null)).isEmpty()).as("no policy: no caps").isTrue();
    }

    @Test
    void aPolicyIsReplacedWholeAndTheChangeIsAudited() {
        String t = tenant(Map.of("nodeDownload", "20MB/s", "task", "5MB/s"));
        Res r = put("/tenants/" + t + "/bandwidth", admin(), "{\"originEgress\":\"1GB/s\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("bandwidth").path("originEgressBytesPerSecond").asLong()).isEqualTo(1_000_000_000);
        JsonNode b = bandwidth(t);
        assertThat(b.has("nodeDownloadBytesPerSecond")).as("left out: no cap any more").isFalse();
        assertThat(b.has("taskBytesPerSecond")).isFalse();
        assertThat(jdbc.queryForObject("select count(*) from audit_log where action = 'tenant:update' and target = ? and outcome = 'ok'",
                Long.class, "tenant/" + t)).isEqualTo(1);

        assertThat(put("/tenants/" + t + "/bandwidth", admin(), "{}").status()).isEqualTo(200);
        assertThat(bandwidth(t).isEmpty()).isTrue();
    }

    @Test
    void badRatesAre400NamingTheFieldAndChangeNothing() {
        String t = tenant(Map.of("nodeDownload", "20MB/s"));
        assertRefused(put("/tenants/" + t + "/bandwidth", admin(), "{\"nodeDownload\":\"fast\"}"), 400, "nodeDownload");
        assertRefused(put("/tenants/" + t + "/bandwidth", admin(), "{\"task\":-5}"), 400, "task");
        assertRefused(put("/tenants/" + t + "/bandwidth", admin(), "{\"task\":1.5}"), 400, "task");
        assertRefused(put("/tenants/" + t + "/bandwidth", admin(), "{\"originEgress\":\"900Gbit/s\"}"), 400, "originEgress");
        assertRefused(put("/tenants/" + t + "/bandwidth", admin(), "{\"originEgress\":true}"), 400, "originEgress");
        assertRefused(put("/tenants/" + t + "/bandwidth", admin(), "{\"nodeUpload\":\"5MB/s\"}"), 400, "nodeUpload");
        assertRefused(put("/tenants/" + t + "/bandwidth", admin(), "{\"task\":\"" + "9".repeat(10 * 1024) + "\"}"), 400, "task");
        assertRefused(put("/tenants/" + t + "/bandwidth", admin(), "[1]"), 400, "body");
        assertThat(bandwidth(t).path("nodeDownloadBytesPerSecond").asLong()).as("unchanged").isEqualTo(20_000_000);

        String name = TaskRestTest.unique("bw");
        assertRefused(postJson("/tenants", admin(), Map.of("name", name, "bandwidth", Map.of("task", "5 parsecs"))), 400, "bandwidth.task");
        assertThat(get("/tenants/" + name, admin()).status()).as("no half-made tenant").isEqualTo(404);
        assertRefused(put("/tenants/no-such-tenant/bandwidth", admin(), "{}"), 404, "name");
    }
}
