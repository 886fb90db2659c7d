package dev.untrack.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** One JSON style for every --json output: pretty, no HTML escaping, nulls kept so fields are always present. */
final class Json {
  static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

  private Json() {}
}
