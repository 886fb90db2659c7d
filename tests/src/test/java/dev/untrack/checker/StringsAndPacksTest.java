package dev.untrack.checker;

import static dev.untrack.checker.CheckerFixtures.java;
import static dev.untrack.checker.CheckerFixtures.scanApk;
import static dev.untrack.checker.CheckerFixtures.sources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.checker.input.PathSource;
import dev.untrack.checker.pack.PackLoader;
import dev.untrack.checker.pack.SignaturePack;
import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.HostFinding;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.checker.report.SdkFinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** String anchors, run-time URL assembly, hosts and config files, and third-party packs. */
class StringsAndPacksTest {
  @TempDir Path tmp;

  @Test
  void obfuscatedSdkIsRecognisedByAnchorsAndAssembledUrlsByTheirParts() {
    String net = "package q; public class Net {"
        + " static String host(boolean intl) { return intl ? \"tracking.intl.miui.com\" : \"tracking.miui.com\"; }"
        + " public static String url(boolean intl) { return \"https://\" + host(intl) + \"/track/v4\"; } }";
    String obf = "package a.a; public class b { public static final String T = \"RegionDomainManager\";"
        + " public static String m(int v) { return \"isUserExperiencePlanEnabled upload_log_value: \" + v; } }";
    AppReport r = scanApk("com.obf", java(sources("q.Net", net, "a.a.b", obf)));
    SdkFinding ot = r.sdks().stream().filter(s -> s.id().equals("onetrack")).findFirst().orElseThrow();
    assertEquals("anchored", ot.status());
    assertEquals(0, ot.definedClasses());
    assertTrue(ot.anchors().contains("RegionDomainManager"), ot.anchors().toString());
    assertEquals(List.of("tracking.intl.miui.com", "tracking.miui.com"),
        r.hosts().stream().map(HostFinding::host).toList());
    assertEquals("tracking.miui.com", r.hosts().get(1).rule());
    assertTrue(r.paths().stream().anyMatch(p -> p.fragment().equals("/track/v4") && p.sdk().equals("onetrack")));
  }

  @Test
  void hostsAndConfigFilesInATree() throws IOException {
    Path etc = Files.createDirectories(tmp.resolve("system/etc"));
    Files.writeString(etc.resolve("hosts"), String.join("\n",
        "127.0.0.1 localhost",
        "0.0.0.0 tracking.miui.com fcanr.tracking.miui.com  # blocked",
        "10.0.0.1 data.mistat.xiaomi.com",
        "1.2.3.4 update.miui.com"), StandardCharsets.UTF_8);
    Files.writeString(etc.resolve("analytics.json"),
        "{\"endpoint\": \"https://sa.api.intl.miui.com/sa?project=global_browser\"}\n", StandardCharsets.UTF_8);
    Files.writeString(etc.resolve("unrelated.xml"), "<config><item>nothing here</item></config>\n");
    Files.createDirectories(tmp.resolve("system/media"));
    Files.write(tmp.resolve("system/media/bootanimation.zip"), dev.untrack.testkit.ApkBuilder.create()
        .stored("part0/00001.png", new byte[] {1, 2, 3}).build());
    ScanReport r = Checker.scan(PathSource.of(tmp), ScanOptions.defaults());
    assertEquals(List.of("system/etc/analytics.json", "system/etc/hosts"),
        r.apps().stream().map(AppReport::path).toList(), "config files without findings are not listed");
    AppReport hosts = r.apps().get(1);
    assertEquals("hosts", hosts.kind());
    List<HostFinding> h = hosts.hosts();
    assertEquals(3, h.size(), h.toString());
    assertTrue(h.stream().filter(x -> x.host().contains("tracking")).allMatch(HostFinding::blocked));
    HostFinding mistat = h.stream().filter(x -> x.host().equals("data.mistat.xiaomi.com")).findFirst().orElseThrow();
    assertFalse(mistat.blocked());
    assertEquals("system/etc/hosts:3", mistat.where());
    AppReport cfg = r.apps().get(0);
    assertEquals("sa.api.intl.miui.com", cfg.hosts().get(0).host());
    assertEquals("sensors", cfg.hosts().get(0).sdk());
    assertEquals("/sa?project=", cfg.paths().get(0).fragment());
  }

  @Test
  void exodusFormatPackDetectsDefinedTrackersAndHosts() throws IOException {
    // A two-tracker list in the Exodus format, written for this test.
    Path list = Files.writeString(tmp.resolve("trackers.json"), "{\"trackers\": {"
        + "\"7\": {\"id\": 7, \"name\": \"Example Metrics\", \"code_signature\": \"com.examplemetrics.|.ExampleBeacon\","
        + " \"network_signature\": \"metrics\\\\.example\\\\.net|.*\\\\.beacon\\\\.example\\\\.org\", \"categories\": [\"Analytics\"]},"
        + "\"9\": {\"id\": 9, \"name\": \"Unused\", \"code_signature\": \"org.unused.\", \"network_signature\": \"\"}}}");
    SignaturePack p = PackLoader.load(list);
    assertEquals("exodus", p.id());
    assertEquals(2, p.sdks().size());
    String app = "package com.examplemetrics; public class Lib { public static final String U ="
        + " \"https://metrics.example.net/v1\"; public static String b() { return \"cdn.beacon.example.org\"; } }";
    ScanOptions o = ScanOptions.defaults().withThreads(1).withPacks(List.of(PackLoader.xiaomi(), p));
    AppReport r = new Checker(o).scanApp(CheckerFixtures.item("m.apk", CheckerFixtures.apk("m",
        java(sources("com.examplemetrics.Lib", app)))));
    SdkFinding s = r.sdks().stream().filter(x -> x.id().equals("exodus:7")).findFirst().orElseThrow();
    assertEquals("defined", s.status());
    assertEquals("Example Metrics", s.name());
    assertEquals(List.of("cdn.beacon.example.org", "metrics.example.net"),
        r.hosts().stream().map(HostFinding::host).toList());
    assertTrue(r.hosts().stream().allMatch(h -> "exodus:7".equals(h.sdk())));
  }

  @Test
  void theSharedExodusListLoads() throws IOException {
    Path list = Path.of("/work/shared/data/exodus_trackers.json");
    Assumptions.assumeTrue(Files.isRegularFile(list), "the shared Exodus list (ODbL) is not on this machine");
    SignaturePack p = PackLoader.load(list);
    assertTrue(p.sdks().size() > 400, "trackers: " + p.sdks().size());
    assertTrue(p.license().contains("ODbL"));
    assertTrue(p.sdks().stream().noneMatch(s -> s.name().toLowerCase().contains("xiaomi")),
        "the Exodus list has no Xiaomi first-party SDK: the Xiaomi pack is needed");
  }

  @Test
  void builtInPackIsWellFormedAndBadPacksAreRefused() throws IOException {
    SignaturePack x = PackLoader.xiaomi();
    assertTrue(x.sdks().stream().anyMatch(s -> s.id().equals("onetrack") && !s.entryPoints().isEmpty()));
    assertTrue(x.sdks().stream().allMatch(s -> s.why() != null && !s.why().isBlank()), "every SDK says why");
    assertTrue(x.sdks().stream().flatMap(s -> s.entryPoints().stream()).allMatch(e -> e.why() != null));
    assertEquals(3, x.settings().size());
    Path typo = Files.writeString(tmp.resolve("typo.json"), "{\"id\": \"t\", \"sdks\": [{\"id\": \"a\", \"name\": \"A\","
        + " \"pakages\": [\"com.a\"]}]}");
    CheckerException e = assertThrows(CheckerException.class, () -> PackLoader.load(typo));
    assertTrue(e.getMessage().contains("pakages"), e.getMessage());
    Path notJson = Files.writeString(tmp.resolve("bad.json"), "{not json");
    assertThrows(CheckerException.class, () -> PackLoader.load(notJson));
  }
}
