package dev.untrack.rom.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SafeNamesTest {
  @Test
  void components() {
    assertTrue(SafeNames.isSafeComponent("Browser.apk"));
    assertFalse(SafeNames.isSafeComponent(".."));
    assertFalse(SafeNames.isSafeComponent("."));
    assertFalse(SafeNames.isSafeComponent(""));
    assertFalse(SafeNames.isSafeComponent("a/b"));
    assertFalse(SafeNames.isSafeComponent("a\0b"));
    assertFalse(SafeNames.isSafeComponent("x".repeat(256)));
    assertTrue(SafeNames.isSafePath("/system/app/X.apk"));
    assertFalse(SafeNames.isSafePath("/system/../etc"));
    assertFalse(SafeNames.isSafePath("relative"));
  }

  @Test
  void symlinks() {
    assertTrue(SafeNames.symlinkStaysInside("/system/lib", "/system/lib64"));
    assertTrue(SafeNames.symlinkStaysInside("/system/bin/sh", "../xbin/sh"));
    assertFalse(SafeNames.symlinkStaysInside("/system/bin/sh", "../../../etc/passwd"));
    assertFalse(SafeNames.symlinkStaysInside("/a", ".."));
    assertEquals("/system/xbin/sh", SafeNames.resolve("/system/bin/sh", "../xbin/./sh"));
    assertEquals("/etc/hosts", SafeNames.resolve("/system/etc", "/etc/hosts"));
    assertNull(SafeNames.resolve("/x", "../.."));
  }

  @Test
  void crc32cMatchesTheStandardCheckValue() {
    byte[] b = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals(0xE3069283, ~Crc32c.update(~0, b, 0, b.length));
    java.util.zip.CRC32C jdk = new java.util.zip.CRC32C();
    jdk.update(b);
    assertEquals((int) jdk.getValue(), ~Crc32c.update(~0, b, 0, b.length));
    assertEquals(Crc32c.update(~0, new byte[7], 0, 7), Crc32c.updateZeros(~0, 7));
    assertEquals(Crc32c.update(~0, new byte[] {1, 2, 3, 4}, 0, 4), Crc32c.updateInt(~0, 0x04030201));
  }
}
