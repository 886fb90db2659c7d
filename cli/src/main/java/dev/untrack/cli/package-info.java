/**
 * The command line (picocli): thin commands that turn flags into option records and call library code; the only place that prints and exits. The pipeline that joins the modules lives in {@code dev.untrack.pipeline}.
 */
package dev.untrack.cli;
