/**
 * The patch engine: the app model (manifest facts, dex files), dex access for 035-039, patch files (smali plus declarative metadata), fingerprint matching on obfuscation-proof anchors, patch actions, and the app writer that rewrites only the dex files that change and copies every other entry raw. Uses the zip and manifest readers of rom-tools.
 */
package dev.untrack.patcher;
