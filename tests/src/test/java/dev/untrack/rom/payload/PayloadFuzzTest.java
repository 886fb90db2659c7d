package dev.untrack.rom.payload;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;

/**
 * Header, manifest and operation decoding on arbitrary bytes: only {@link RomFormatException} may escape.
 * Seeds ({@code PayloadFuzzTestInputs/payload}) come from {@code dev.untrack.testkit.PayloadFixtures#main}.
 */
class PayloadFuzzTest {
  private static final long MAX_EXTRACT = 4L << 20;

  @FuzzTest(maxDuration = "30s")
  void payload(byte[] data) throws IOException {
    Payload p;
    try {
      p = Payload.open(new ArrayByteSource(data, "fuzz.bin"));
    } catch (RomFormatException expected) {
      return;
    }
    try {
      p.metadataSignatures();
      p.payloadSignatures();
      p.metadataDigest();
      p.payloadDigest();
      p.manifest().groups();
      p.manifest().vabc();
      for (PartitionUpdate part : p.partitions()) {
        if (part.newSize() > MAX_EXTRACT) {
          continue;
        }
        try {
          p.extract(part.name(), Channels.newChannel(OutputStream.nullOutputStream()), 1);
        } catch (RomFormatException expected) {
          // corrupt data or hash mismatch: fine, as long as it is reported this way
        }
        ByteSource img = p.partitionImage(part.name());
        try {
          img.readFully(0, (int) Math.min(img.size(), 8192));
          if (img.size() > 100) {
            img.readFully(img.size() - 100, 100);
          }
        } catch (RomFormatException expected) {
          // as above
        }
      }
    } catch (RomFormatException expected) {
      // fine
    }
  }
}
