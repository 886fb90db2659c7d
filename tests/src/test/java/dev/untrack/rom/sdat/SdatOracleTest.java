package dev.untrack.rom.sdat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.Oracle;
import dev.untrack.testkit.PayloadFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sdat against the native brotli tool: its compressed new.dat read by us, our stored brotli read by it. */
class SdatOracleTest {
  @TempDir Path work;

  @Test
  void realBrotliNewDataIsRead() throws IOException {
    Path brotli = Oracle.require("brotli", "brotli");
    byte[] image = PayloadFixtures.image(700, 4096, 31);
    PayloadFixtures.Sdat plain = PayloadFixtures.sdat(image, false);
    Path newDat = work.resolve("system.new.dat");
    Files.write(newDat, plain.newData());
    Oracle.run(work, brotli.toString(), "-q", "9", "-w", "24", "-o", "system.new.dat.br", "system.new.dat")
        .assertOk("brotli");
    TransferList list = TransferList.parse(plain.list().bytes(), "system.transfer.list");
    Path spoolDir = Files.createDirectory(work.resolve("spool"));
    try (FileByteSource br = FileByteSource.open(work.resolve("system.new.dat.br"));
        SdatImage img = SdatImage.openBrotli(list, br, 0, spoolDir)) {
      assertArrayEquals(image, img.readFully(0, (int) img.size()));
    }
    Path out = work.resolve("system.img");
    try (FileByteSource br = FileByteSource.open(work.resolve("system.new.dat.br"));
        InputStream in = SdatImage.brotli(br);
        FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      SdatImage.extract(list, in, "system.new.dat.br", ch, 0);
    }
    assertArrayEquals(image, Files.readAllBytes(out));
  }

  @Test
  void ourStoredBrotliDecodesWithTheBrotliTool() throws IOException {
    Path brotli = Oracle.require("brotli", "brotli");
    byte[] image = PayloadFixtures.image(900, 4096, 32); // > 3 MiB: several meta-blocks
    PayloadFixtures.Sdat stored = PayloadFixtures.sdat(image, true);
    PayloadFixtures.Sdat plain = PayloadFixtures.sdat(image, false);
    Files.write(work.resolve("vendor.new.dat.br"), stored.newData());
    Oracle.run(work, brotli.toString(), "-t", "vendor.new.dat.br").assertOk("brotli -t");
    Oracle.run(work, brotli.toString(), "-d", "-o", "vendor.new.dat", "vendor.new.dat.br").assertOk("brotli -d");
    assertArrayEquals(plain.newData(), Files.readAllBytes(work.resolve("vendor.new.dat")));
    try (SdatImage img = SdatImage.open(stored.list(),
        new ArrayByteSource(Files.readAllBytes(work.resolve("vendor.new.dat")), "vendor.new.dat"), 0)) {
      assertArrayEquals(image, img.readFully(0, (int) img.size()));
    }
  }
}
