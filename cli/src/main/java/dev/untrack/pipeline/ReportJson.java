package dev.untrack.pipeline;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** Reports as JSON ({@code --json}): the report records as they are, fields in declaration order. */
public final class ReportJson {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
      .create();

  private ReportJson() {}

  public static String toJson(Object report) {
    return GSON.toJson(report);
  }
}
