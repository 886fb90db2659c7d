package dev.untrack.patches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.patcher.PatchReport;
import dev.untrack.patcher.Policy;
import dev.untrack.testkit.TelemetryFixtures;
import dev.untrack.testkit.sandbox.AndroidSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jf.dexlib2.Opcode;
import org.jf.dexlib2.Opcodes;
import org.jf.dexlib2.dexbacked.DexBackedDexFile;
import org.jf.dexlib2.iface.ClassDef;
import org.jf.dexlib2.iface.Method;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.instruction.NarrowLiteralInstruction;
import org.jf.dexlib2.iface.instruction.ReferenceInstruction;
import org.junit.jupiter.api.Test;

/**
 * The real Sensors Analytics SDK (Maven Central, 0.1.4; not written by us): every entry point the patches list
 * is neutralized, on the instructions, and what can run on the JVM runs.
 */
class RealSensorsSdkTest {
  static final String SDK = "Lcom/sensorsdata/analytics/android/sdk/";

  static List<ClassDef> classes(List<byte[]> dex) {
    List<ClassDef> out = new ArrayList<>();
    for (byte[] d : dex) {
      out.addAll(new DexBackedDexFile(Opcodes.forApi(26), d).getClasses());
    }
    return out;
  }

  static Method method(List<ClassDef> classes, String type, String name, String proto) {
    for (ClassDef c : classes) {
      if (c.getType().equals(type)) {
        for (Method m : c.getMethods()) {
          StringBuilder p = new StringBuilder("(");
          m.getParameterTypes().forEach(p::append);
          p.append(')').append(m.getReturnType());
          if (m.getName().equals(name) && p.toString().equals(proto)) {
            return m;
          }
        }
      }
    }
    throw new AssertionError("no " + type + "->" + name + proto);
  }

  static List<Instruction> code(Method m) {
    List<Instruction> out = new ArrayList<>();
    m.getImplementation().getInstructions().forEach(out::add);
    return out;
  }

  static boolean isConstantReturn(Method m) {
    for (Instruction i : code(m)) {
      Opcode op = i.getOpcode();
      if (!(op.name().startsWith("CONST") || op.name().startsWith("RETURN"))) {
        return false;
      }
    }
    return true;
  }

  static boolean callsConsentFirst(Method m) {
    for (Instruction i : code(m)) {
      if (i instanceof ReferenceInstruction r && i.getOpcode() == Opcode.INVOKE_STATIC) {
        return r.getReference().toString().startsWith("Ldev/untrack/inject/Consent;->");
      }
    }
    return false;
  }

  @Test
  void blockNeutralizesEveryEntryPoint() {
    TelemetryFixtures.Fixture f = TelemetryFixtures.realSensorsSdk();
    PatchedFixtures.Patched r = PatchedFixtures.patch(f, Policy.BLOCK);
    assertEquals(PatchReport.Outcome.PATCHED, r.report().outcome());
    assertEquals(List.of(), r.report().errors());
    assertEquals(Set.of("sensors.disabled", "sensors.api"), new TreeSet<>(r.appliedIds()));
    List<ClassDef> patched = classes(r.dex());

    Method disabled = method(patched, SDK + "AbstractSensorsDataAPI;", "isSDKDisabled", "()Z");
    List<Instruction> dis = code(disabled);
    assertEquals(2, dis.size(), "const 1; return");
    assertEquals(1, ((NarrowLiteralInstruction) dis.get(0)).getNarrowLiteral(), "isSDKDisabled answers true");
    Method send = method(patched, SDK + "AnalyticsMessages;", "sendData", "()V");
    assertEquals(List.of(Opcode.RETURN_VOID), code(send).stream().map(Instruction::getOpcode).toList());

    ClassDef api = patched.stream().filter(c -> c.getType().equals(SDK + "SensorsDataAPI;")).findFirst().orElseThrow();
    int checked = 0;
    for (Method m : api.getMethods()) {
      boolean publicVoidInstance = m.getReturnType().equals("V") && (m.getAccessFlags() & 0x1) != 0
          && (m.getAccessFlags() & 0x8) == 0 && !m.getName().startsWith("<");
      if (publicVoidInstance) {
        assertEquals(List.of(Opcode.RETURN_VOID), code(m).stream().map(Instruction::getOpcode).toList(),
            "SensorsDataAPI." + m.getName());
        checked++;
      }
    }
    // the entry points telemetry-targets.md lists, by name
    Set<String> names = new TreeSet<>();
    api.getMethods().forEach(m -> {
      if (code(m).size() == 1 && code(m).get(0).getOpcode() == Opcode.RETURN_VOID) {
        names.add(m.getName());
      }
    });
    assertTrue(names.containsAll(Set.of("track", "trackTimerEnd", "trackViewScreen", "trackInstallation", "flush",
        "flushSync", "login", "identify", "registerSuperProperties", "profileSet", "logout")), names.toString());
    assertTrue(checked > 80, "every public void method: " + checked);
    assertTrue(isConstantReturn(disabled));
  }

  @Test
  void honorSwitchGatesEveryEntryPoint() {
    PatchedFixtures.Patched r = PatchedFixtures.patch(TelemetryFixtures.realSensorsSdk(), Policy.HONOR_SWITCH);
    assertEquals(List.of(), r.report().errors());
    assertTrue(r.report().helpers().contains("consent"));
    List<ClassDef> patched = classes(r.dex());
    assertTrue(callsConsentFirst(method(patched, SDK + "AbstractSensorsDataAPI;", "isSDKDisabled", "()Z")));
    assertTrue(callsConsentFirst(method(patched, SDK + "AnalyticsMessages;", "sendData", "()V")));
    assertTrue(callsConsentFirst(method(patched, SDK + "SensorsDataAPI;", "track", "(Ljava/lang/String;Lorg/json/JSONObject;)V")));
    assertTrue(callsConsentFirst(method(patched, SDK + "SensorsDataAPI;", "login", "(Ljava/lang/String;)V")));
    assertTrue(patched.stream().anyMatch(c -> c.getType().equals("Ldev/untrack/inject/Consent;")), "helper added");
  }

  static final String API = "com.sensorsdata.analytics.android.sdk.AbstractSensorsDataAPI";

  /** The SDK configured the way the browsers start it (a server URL), before any network. */
  static AndroidSandbox configured(List<byte[]> dex) {
    AndroidSandbox b = AndroidSandbox.of("com.mi.globalbrowser.mini", dex);
    Object options = b.newInstance("com.sensorsdata.analytics.android.sdk.SAConfigOptions",
        "https://sa.api.intl.miui.com/sa?project=global_browser_mini&r=IN");
    b.setStaticField(API, "mSAConfigOptions", options);
    return b;
  }

  /** The part of the real SDK that runs without an Android device: its own off switch, which the patches use. */
  @Test
  void theRealSdkRunsDisabled() {
    try (AndroidSandbox b = configured(TelemetryFixtures.realSensorsSdk().dex())) {
      assertEquals(false, b.callStatic(API, "isSDKDisabled"), "unpatched and configured, the SDK is enabled");
    }
    try (AndroidSandbox b = configured(PatchedFixtures.patch(TelemetryFixtures.realSensorsSdk(), Policy.BLOCK).dex())) {
      b.secure("upload_log_pref", 1);
      assertEquals(true, b.callStatic(API, "isSDKDisabled"), "block: disabled whatever the switch says");
    }
    for (Integer uep : new Integer[] {null, 0, -1}) {
      try (AndroidSandbox b = configured(PatchedFixtures.patch(TelemetryFixtures.realSensorsSdk(), Policy.HONOR_SWITCH).dex())) {
        b.secure("upload_log_pref", uep);
        assertEquals(true, b.callStatic(API, "isSDKDisabled"), "honor-switch, upload_log_pref=" + uep);
      }
    }
    try (AndroidSandbox b = configured(PatchedFixtures.patch(TelemetryFixtures.realSensorsSdk(), Policy.HONOR_SWITCH).dex())) {
      b.secure("upload_log_pref", 1);
      assertEquals(false, b.callStatic(API, "isSDKDisabled"), "honor-switch, explicit opt-in: the SDK's own answer");
    }
  }

}
