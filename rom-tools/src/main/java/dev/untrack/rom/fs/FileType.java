package dev.untrack.rom.fs;

/** The kind of a filesystem entry. */
public enum FileType {
  REGULAR,
  DIRECTORY,
  SYMLINK,
  CHAR_DEVICE,
  BLOCK_DEVICE,
  FIFO,
  SOCKET
}
