/**
 * The orchestration that joins the modules, as plain Java callable without picocli: load patch sets, patch one
 * app into an atomic output, render reports. The command line in {@code dev.untrack.cli} only parses flags,
 * calls this and prints.
 */
package dev.untrack.pipeline;
