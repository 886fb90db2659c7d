package dev.untrack.checker.report;

import java.io.IOException;
import java.io.Writer;

/** The output formats of {@code untrack scan}. */
public enum ReportFormat {
  TEXT, JSON, SARIF, HTML;

  public void write(ScanReport r, Writer out, String toolVersion) throws IOException {
    switch (this) {
      case TEXT:
        TextReport.write(r, out);
        break;
      case JSON:
        JsonReport.write(r, out, toolVersion);
        break;
      case SARIF:
        SarifReport.write(r, out, toolVersion);
        break;
      case HTML:
        HtmlReport.write(r, out, toolVersion);
        break;
      default:
        throw new AssertionError(this);
    }
  }
}
