/**
 * The built-in patch catalogue: text files under {@code src/main/resources/dev/untrack/patches/}, listed in {@code index.txt}. Code here only locates them; the engine is in the patcher module.
 */
package dev.untrack.patches;
