package dev.untrack.rom.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.RomFormatException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackageTextTest {
  @Test
  void crcListRoundTrips() throws RomFormatException {
    String text = "CRC-LIST\nboot 0x1a2b3c\nvbmeta 0xffffffff\n";
    CrcList l = CrcList.parse(text, "crclist.txt");
    assertEquals(2, l.entries().size());
    assertEquals(0x1a2b3cL, l.entry("boot").orElseThrow().crc32());
    assertEquals(0xffffffffL, l.entry("vbmeta").orElseThrow().crc32());
    assertEquals(text, l.format());
    assertEquals(l, CrcList.parse("\r\nCRC-LIST\r\nboot 0x1A2B3C\r\n\r\nvbmeta 0xFFFFFFFF\r\n", "x"));
    assertThrows(RomFormatException.class, () -> CrcList.parse("boot 0x1\n", "x"));
    assertThrows(RomFormatException.class, () -> CrcList.parse("CRC-LIST\nboot 12\n", "x"));
    assertThrows(RomFormatException.class, () -> CrcList.parse("CRC-LIST\nboot 0x123456789\n", "x"));
    assertThrows(RomFormatException.class, () -> CrcList.parse("CRC-LIST\nboot 0xzz\n", "x"));
  }

  @Test
  void sparseCrcListBothForms() throws RomFormatException {
    String text = "SPARSECRC-LIST\nsuper 3 0x1 0x2 0xabcdef01\nuserdata 1 0x5\n";
    SparseCrcList l = SparseCrcList.parse(text, "sparsecrclist.txt");
    SparseCrcList.Entry s = l.entry("super").orElseThrow();
    assertEquals(3, s.parts());
    assertEquals(List.of(1L, 2L, 0xabcdef01L), s.crcs());
    assertFalse(s.legacy());
    assertEquals(text, l.format());
    SparseCrcList old = SparseCrcList.parse("SPARSECRC-LIST\nsystem 0x12345678 4\n", "x");
    SparseCrcList.Entry o = old.entries().get(0);
    assertTrue(o.legacy());
    assertEquals(4, o.parts());
    assertEquals(List.of(0x12345678L), o.crcs());
    assertEquals("SPARSECRC-LIST\nsystem 0x12345678 4\n", old.format());
    RomFormatException e = assertThrows(RomFormatException.class,
        () -> SparseCrcList.parse("SPARSECRC-LIST\nsuper 3 0x1 0x2\n", "x"));
    assertTrue(e.getMessage().contains("announces 3 parts"), e.getMessage());
    assertThrows(RomFormatException.class, () -> SparseCrcList.parse("SPARSECRC-LIST\nsuper 999999 0x1\n", "x"));
  }

  @Test
  void flashScriptCommands() {
    String sh = String.join("\n",
        "fastboot $* getvar product 2>&1 | grep \"^product: *cepheus\"",
        "fastboot $* flash crclist `dirname $0`/images/crclist.txt",
        "#fastboot $* flash efuse `dirname $0`/images/efuse.img",
        "fastboot $* flash super `dirname $0`/images/super.img",
        "if [ $? -ne 0 ] ; then echo \"Flash super error\"; exit 1; fi",
        "fastboot $* --disable-verity flash vbmeta_ab \"$(dirname $0)/images/vbmeta.img\"",
        "fastboot $* oem lock");
    FlashScript s = new FlashScript("flash_all_lock.sh", sh);
    List<FlashScript.FlashCommand> c = s.flashCommands();
    assertEquals(3, c.size());
    assertEquals(new FlashScript.FlashCommand("crclist", "images/crclist.txt", 2), c.get(0));
    assertEquals(new FlashScript.FlashCommand("super", "images/super.img", 4), c.get(1));
    assertEquals(new FlashScript.FlashCommand("vbmeta_ab", "images/vbmeta.img", 6), c.get(2));
    assertTrue(s.locksBootloader());
    FlashScript bat = new FlashScript("flash_all.bat",
        "fastboot %* flash xbl_ab %~dp0images\\xbl_s.melf || @echo \"Flash xbl error\" && exit /B 1\r\n"
            + "rem fastboot %* flash misc %~dp0images\\misc.img\r\n");
    assertEquals(List.of(new FlashScript.FlashCommand("xbl_ab", "images/xbl_s.melf", 1)), bat.flashCommands());
    assertTrue(bat.isWindows());
    assertFalse(bat.locksBootloader());
  }
}
