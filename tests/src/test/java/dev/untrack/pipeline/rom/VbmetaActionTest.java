package dev.untrack.pipeline.rom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.signing.avb.AvbAlgorithm;
import dev.untrack.signing.avb.AvbDescriptor;
import dev.untrack.signing.avb.AvbPublicKey;
import dev.untrack.signing.avb.HashTree;
import dev.untrack.signing.avb.VbMeta;
import dev.untrack.signing.keys.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vbmeta step on a fastboot-style firmware: vbmeta chains vbmeta_system (OEM key), which holds the hashtree
 * descriptor of system, as on Xiaomi devices.
 */
class VbmetaActionTest {
  @TempDir Path dir;
  Path pkg;
  SigningKey oem;
  byte[] oemBlob;
  AvbDescriptor.Hashtree newTree;
  byte[] vbmetaBytes;

  @BeforeEach
  void firmware() throws Exception {
    oem = AvbFixtures.avbKey(dir, "oem");
    oemBlob = AvbPublicKey.encode((RSAPublicKey) oem.publicKey());
    byte[] fs = new byte[64 * 4096];
    Arrays.fill(fs, (byte) 7);
    HashTree.InMemory tree = HashTree.computeInMemory(fs, HashTree.Params.sha256(AvbFixtures.SALT));
    AvbDescriptor.Hashtree old = AvbFixtures.descriptor(fs, "system", tree);
    VbMeta system = VbMeta.create(List.of(old), 0, 0, "", oem, AvbAlgorithm.SHA256_RSA2048);
    VbMeta top = VbMeta.create(List.of(new AvbDescriptor.Property("com.android.build.boot.os_version", "15".getBytes()),
        new AvbDescriptor.ChainPartition(2, "vbmeta_system", oemBlob, 0, null)), 0, 0, "", oem,
        AvbAlgorithm.SHA256_RSA2048);
    pkg = Files.createDirectories(dir.resolve("pkg/images"));
    vbmetaBytes = Arrays.copyOf(top.encode(), 8192);
    Files.write(pkg.resolve("vbmeta.img"), vbmetaBytes);
    Files.write(pkg.resolve("vbmeta_system.img"), Arrays.copyOf(system.encode(), 4096));
    byte[] fs2 = fs.clone();
    fs2[5] = 1;
    newTree = AvbFixtures.descriptor(fs2, "system",
        HashTree.computeInMemory(fs2, HashTree.Params.sha256(AvbFixtures.SALT)));
  }

  private VbmetaAction.Result apply(int flags, SigningKey key) throws Exception {
    Path work = Files.createDirectories(dir.resolve("work" + flags + (key != null)));
    try (Firmware fw = FirmwareReader.open(pkg.getParent(), FirmwareReader.Options.in(work))) {
      return VbmetaAction.apply(fw, Map.of("system_a", newTree), flags, key, work);
    }
  }

  @Test
  void defaultSetsHashtreeDisabledOnlyAndChangesOneByte() throws Exception {
    VbmetaAction.Result r = apply(VbmetaAction.DEFAULT_FLAGS, null);
    assertEquals(List.of("vbmeta"), List.copyOf(r.images().keySet()));
    byte[] out = Files.readAllBytes(r.images().get("vbmeta"));
    assertEquals(vbmetaBytes.length, out.length);
    for (int i = 0; i < out.length; i++) {
      if (i != 123) {
        assertEquals(vbmetaBytes[i], out[i], "byte " + i);
      }
    }
    assertEquals(1, out[123]);
    assertTrue(r.notes().get(0).contains("flags 0x0 -> 0x1 (HASHTREE_DISABLED)"), r.notes().toString());
  }

  @Test
  void avbKeyRefusesAChangedPartitionWithoutFooterWhoseDescriptorWouldGoStale() throws Exception {
    SigningKey user = AvbFixtures.avbKey(dir, "user2");
    Path work = Files.createDirectories(dir.resolve("work-stale"));
    java.util.Map<String, AvbDescriptor.Hashtree> sealed = new java.util.HashMap<>();
    sealed.put("system_a", null);
    try (Firmware fw = FirmwareReader.open(pkg.getParent(), FirmwareReader.Options.in(work))) {
      RomPatchException e = org.junit.jupiter.api.Assertions.assertThrows(RomPatchException.class,
          () -> VbmetaAction.apply(fw, sealed, 0, user, work));
      assertTrue(e.getMessage().contains("system_a: changed, and vbmeta_system holds its hashtree descriptor"),
          e.getMessage());
    }
  }

  @Test
  void otherChoiceAlsoDisablesVerification() throws Exception {
    byte[] out = Files.readAllBytes(apply(3, null).images().get("vbmeta"));
    assertEquals(3, VbMeta.parse(out, "vbmeta").flags());
  }

  @Test
  void avbKeyReplacesTheDescriptorAndResignsTheChain() throws Exception {
    SigningKey user = AvbFixtures.avbKey(dir, "user");
    byte[] userBlob = AvbPublicKey.encode((RSAPublicKey) user.publicKey());
    VbmetaAction.Result r = apply(0, user);
    VbMeta system = VbMeta.parse(Files.readAllBytes(r.images().get("vbmeta_system")), "vbmeta_system");
    assertEquals(4096, Files.size(r.images().get("vbmeta_system")));
    assertTrue(system.verify().verifies());
    assertArrayEquals(userBlob, system.publicKey());
    AvbDescriptor.Hashtree ht = (AvbDescriptor.Hashtree) system.descriptors().get(0);
    assertArrayEquals(newTree.rootDigest(), ht.rootDigest());
    assertEquals("system", ht.partitionName());
    VbMeta top = VbMeta.parse(Files.readAllBytes(r.images().get("vbmeta")), "vbmeta");
    assertTrue(top.verify().verifies());
    assertArrayEquals(userBlob, top.publicKey());
    assertEquals(0, top.flags());
    AvbDescriptor.ChainPartition chain = (AvbDescriptor.ChainPartition) top.descriptors().get(1);
    assertArrayEquals(userBlob, chain.publicKey());
    assertEquals(2, chain.rollbackIndexLocation());
  }
}
