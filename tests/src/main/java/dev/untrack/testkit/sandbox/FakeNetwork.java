package dev.untrack.testkit.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The only network a sandbox has: every {@code URL.openConnection()} in sandboxed code lands here. Nothing
 * leaves the JVM. Requests are recorded (URL, method, headers, body) and answered by a test-supplied
 * responder. Hosts under the reserved {@code .invalid} TLD (what the string-rewrite patches point telemetry
 * URLs at) fail name resolution, as they would on a device, and are recorded separately: they never leave.
 */
public final class FakeNetwork {
  /** A request as it would have left the device. */
  public record Request(String method, String url, Map<String, String> headers, byte[] body) {
    public String host() {
      return java.net.URI.create(url).getHost();
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * URL, headers and body, their URL-decoded form, and every base64-looking token of them decoded, for "does
     * it carry X" checks (telemetry is often base64 inside a form field).
     */
    public String everythingDecoded() {
      String raw = url + "\n" + headers + "\n" + bodyText();
      StringBuilder sb = new StringBuilder(raw);
      String urlDecoded = raw;
      try {
        urlDecoded = java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        sb.append('\n').append(urlDecoded);
      } catch (IllegalArgumentException e) {
        // not URL-encoded
      }
      decodeRuns(urlDecoded, java.util.regex.Pattern.compile("[A-Za-z0-9+/]{8,}={0,2}"), Base64.getDecoder(), sb);
      decodeRuns(urlDecoded, java.util.regex.Pattern.compile("[A-Za-z0-9_-]{8,}={0,2}"), Base64.getUrlDecoder(), sb);
      return sb.toString();
    }

    private static void decodeRuns(String text, java.util.regex.Pattern run, Base64.Decoder decoder, StringBuilder out) {
      java.util.regex.Matcher m = run.matcher(text);
      while (m.find()) {
        try {
          out.append('\n').append(new String(decoder.decode(m.group()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          // not base64
        }
      }
    }

    public boolean carries(String needle) {
      return everythingDecoded().contains(needle);
    }

    @Override
    public String toString() {
      return method + " " + url + " (" + body.length + " bytes)";
    }
  }

  /** A canned answer. */
  public record Response(int status, byte[] body) {
    public static Response ok(String body) {
      return new Response(200, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final List<String> opened = new ArrayList<>();
  private final List<Request> sent = new ArrayList<>();
  private final List<String> unresolved = new ArrayList<>();
  private volatile Function<Request, Response> responder = r -> Response.ok("{}");

  /** Answers requests (default: 200 with {@code {}}). */
  public FakeNetwork respond(Function<Request, Response> responder) {
    this.responder = responder;
    return this;
  }

  /** URLs of every connection the code opened (including ones it never sent). */
  public synchronized List<String> opened() {
    return List.copyOf(opened);
  }

  /** Requests that would have left the device. */
  public synchronized List<Request> sent() {
    return List.copyOf(sent);
  }

  public synchronized List<Request> sent(Predicate<Request> filter) {
    return sent.stream().filter(filter).toList();
  }

  /** URLs whose host could never resolve (the {@code .invalid} TLD): attempts that never left. */
  public synchronized List<String> unresolved() {
    return List.copyOf(unresolved);
  }

  public synchronized void clear() {
    opened.clear();
    sent.clear();
    unresolved.clear();
  }

  synchronized void recordOpen(String url) {
    opened.add(url);
  }

  synchronized void recordUnresolved(String url) {
    unresolved.add(url);
  }

  Response send(Request r) {
    synchronized (this) {
      sent.add(r);
    }
    return responder.apply(r);
  }
}
