package dev.untrack.rom.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FastbootPackageTest {
  @TempDir
  Path dir;

  @Test
  void directoryPackage() throws IOException {
    Path root = Files.createDirectories(dir.resolve("cepheus_images_V1/images"));
    Files.write(root.resolve("boot.img"), new byte[] {1, 2, 3});
    Files.writeString(root.resolve("sparsecrclist.txt"), "SPARSECRC-LIST\nsuper 1 0x2\n");
    Files.writeString(root.getParent().resolve("flash_all.sh"), "fastboot $* flash boot images/boot.img\n");
    Files.writeString(root.getParent().resolve("misc.txt"), "x");
    try (FastbootPackage p = FastbootPackage.open(dir, FastbootPackage.Options.in(dir.resolve("w")))) {
      assertEquals(FastbootPackage.Format.DIRECTORY, p.format());
      assertEquals("cepheus_images_V1", p.root());
      assertEquals(List.of("flash_all.sh", "images/boot.img", "images/sparsecrclist.txt", "misc.txt"),
          p.files().stream().map(FastbootPackage.Member::path).toList());
      assertEquals(2, p.images().size());
      assertArrayEquals(new byte[] {1, 2, 3}, p.open(p.file("images/boot.img").orElseThrow()).readFully(0, 3));
      assertEquals(1, p.sparseCrcList().orElseThrow().entries().size());
      assertTrue(p.crcList().isEmpty());
      assertEquals("flash_all.sh", p.flashScripts().get(0).path());
    }
  }

  @Test
  void directoryWithEscapingSymlinkIsRefused() throws IOException {
    Path root = Files.createDirectories(dir.resolve("pkg/images"));
    Files.write(root.resolve("boot.img"), new byte[1]);
    Path outside = Files.write(dir.resolve("secret"), new byte[1]);
    try {
      Files.createSymbolicLink(root.resolve("evil.img"), outside);
    } catch (UnsupportedOperationException | IOException e) {
      return; // no symlinks on this filesystem
    }
    RomFormatException e = assertThrows(RomFormatException.class,
        () -> FastbootPackage.open(dir.resolve("pkg"), FastbootPackage.Options.in(dir.resolve("w"))));
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
  }

  @Test
  void plainTarPackageNeedsNoSpool() throws IOException {
    byte[] t = TarFixtures.tar(false, "r/images/super.img", new byte[600_000], "r/flash_all.sh",
        "fastboot flash super images/super.img".getBytes(StandardCharsets.US_ASCII));
    try (FastbootPackage p = FastbootPackage.open(new ArrayByteSource(t, "rom.tar"),
        FastbootPackage.Options.in(dir.resolve("w")))) {
      assertEquals(FastbootPackage.Format.TAR, p.format());
      assertEquals(600_000, p.open(p.file("images/super.img").orElseThrow()).size());
      assertEquals(0, p.spooledBytes());
    }
  }

  @Test
  void notAPackage() {
    assertThrows(RomFormatException.class, () -> FastbootPackage.open(new ArrayByteSource(new byte[600], "x.bin"),
        FastbootPackage.Options.in(dir)));
  }
}
