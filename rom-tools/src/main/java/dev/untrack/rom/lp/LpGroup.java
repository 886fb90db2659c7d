package dev.untrack.rom.lp;

/** An update group; its partitions together may not exceed {@code maximumSize} bytes (0 = no limit). */
public record LpGroup(String name, int flags, long maximumSize) {}
