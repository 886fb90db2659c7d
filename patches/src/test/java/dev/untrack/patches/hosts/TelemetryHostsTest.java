package dev.untrack.patches.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryHostsTest {
  private final TelemetryHosts hosts = TelemetryHosts.builtin();

  /** telemetry-targets.md, "High-confidence telemetry hosts", expanded ("+ .intl., .india., .rus., .eu."). */
  static final List<String> DESIGN = List.of("tracking.miui.com", "tracking.intl.miui.com",
      "tracking.india.miui.com", "tracking.rus.miui.com", "tracking.eu.miui.com", "fcanr.tracking.miui.com",
      "data.mistat.xiaomi.com", "data.mistat.intl.xiaomi.com", "data.mistat.india.xiaomi.com",
      "data.mistat.rus.xiaomi.com", "abtest.mistat.xiaomi.com", "abtest.mistat.intl.xiaomi.com",
      "storeconfig.mistat.xiaomi.com", "storeconfig.mistat.intl.xiaomi.com", "sa.api.intl.miui.com",
      "sa-api.api.intl.miui.com", "sdkconfig.ad.xiaomi.com", "sdkconfig.ad.intl.xiaomi.com",
      "sdkconfig.ad.india.xiaomi.com", "sdkconfig.ad.rus.xiaomi.com", "sdkconfig.ad.eu.xiaomi.com",
      "api.ad.xiaomi.com", "api.ad.intl.xiaomi.com", "globalapi.ad.xiaomi.com", "log.ad.xiaomi.com",
      "e.ad.xiaomi.com", "data.sec.miui.com", "adv.sec.miui.com", "adv.sec.intl.miui.com", "stat.miui.com",
      "stat.xiaomi.com", "a.stat.xiaomi.com", "mqs-log.miui.com", "feedback.miui.com", "bugreport.xiaomi.net");

  @Test
  void isExactlyTheHighConfidenceList() {
    assertEquals(new java.util.TreeSet<>(DESIGN), new java.util.TreeSet<>(hosts.blocked()));
    assertEquals(DESIGN.size(), hosts.blocked().size());
  }

  @Test
  void neverBlocksAKeepWorkingHost() {
    for (String keep : hosts.neverBlocked()) {
      assertFalse(hosts.isBlocked(keep), keep);
      String rendered = TelemetryHosts.builtin().renderAndroidHosts("127.0.0.1 localhost\n");
      for (String line : rendered.split("\n")) {
        String[] p = line.trim().split("\\s+");
        assertFalse(p.length > 1 && p[1].equals(keep) && !line.startsWith("#"), keep + " blocked by: " + line);
      }
    }
    assertTrue(hosts.neverBlocked().containsAll(List.of("account.xiaomi.com", "global.market.xiaomi.com",
        "update.miui.com", "update.intl.miui.com", "api.io.mi.com", "find.api.micloud.xiaomi.net")));
  }

  @Test
  void rendersAnAndroidHostsFileKeepingWhatWasThere() {
    String existing = "127.0.0.1       localhost\n::1             ip6-localhost\n10.0.0.2 intranet.example\n";
    String out = hosts.renderAndroidHosts(existing);
    assertTrue(out.startsWith(existing), out);
    assertTrue(out.contains("\n0.0.0.0 tracking.miui.com\n:: tracking.miui.com\n"));
    assertTrue(out.endsWith(TelemetryHosts.END + "\n"));
    assertEquals(out, hosts.renderAndroidHosts(out), "rendering again changes nothing");
    assertEquals(2 * DESIGN.size(), out.lines().filter(l -> l.startsWith("0.0.0.0 ") || l.startsWith(":: ")).count());
  }

  @Test
  void anEmptyHostsFileGetsLocalhost() {
    String out = hosts.renderAndroidHosts("");
    assertTrue(out.startsWith("127.0.0.1       localhost\n::1             ip6-localhost\n"), out);
  }

  @Test
  void hostsAlreadyMappedAreNotRepeated() {
    String out = hosts.renderAndroidHosts("127.0.0.1 localhost\n0.0.0.0 tracking.miui.com # mine\n");
    assertEquals(1, out.lines().filter(l -> l.contains(" tracking.miui.com")).count());
  }

  @Test
  void rejectsMalformedLists() {
    assertThrows(IllegalStateException.class, () -> TelemetryHosts.parse("not a host\n", "x"));
    assertEquals(List.of("a.example.com"), TelemetryHosts.parse("# c\nA.example.com # why\n\na.example.com\n", "x"));
  }
}
