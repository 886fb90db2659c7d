package dev.untrack.rom.sdat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import java.io.IOException;

/** Transfer-list parsing and the image view it drives: only {@link RomFormatException} may escape. */
class TransferListFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void transferList(byte[] data) throws IOException {
    TransferList list;
    try {
      list = TransferList.parse(data, "fuzz.transfer.list");
    } catch (RomFormatException expected) {
      return;
    }
    TransferList again = TransferList.parse(list.bytes(), "round-trip");
    if (!again.text().equals(list.text())) {
      throw new AssertionError("text form does not round-trip");
    }
    if (list.totalBlocks() > 64 || list.imageBlocks() > 4096) {
      return;
    }
    byte[] newData = new byte[(int) list.totalBlocks() * TransferList.BLOCK_SIZE];
    try (SdatImage img = SdatImage.open(list, new ArrayByteSource(newData, "new.dat"), 0)) {
      img.readFully(0, (int) Math.min(img.size(), 1 << 20));
    }
  }
}
