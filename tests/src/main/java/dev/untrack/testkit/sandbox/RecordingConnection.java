package dev.untrack.testkit.sandbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.HttpsURLConnection;

/** What sandboxed code gets from {@code URL.openConnection()}: records the request instead of sending it. */
final class RecordingConnection extends HttpsURLConnection {
  private final FakeNetwork network;
  private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  private final ByteArrayOutputStream body = new ByteArrayOutputStream() {
    @Override
    public void close() throws IOException {
      super.close();
      // fixed-length / chunked streaming sends when the body is closed
      send();
    }
  };
  private FakeNetwork.Response response;
  private IOException failure;

  RecordingConnection(URL url, FakeNetwork network) {
    super(url);
    this.network = network;
    network.recordOpen(url.toString());
  }

  private synchronized void send() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (response != null) {
      return;
    }
    String host = url.getHost();
    if (host == null || host.isEmpty() || host.endsWith(".invalid") || host.equals("invalid")) {
      network.recordUnresolved(url.toString());
      failure = new UnknownHostException(host);
      throw failure;
    }
    connected = true;
    response = network.send(new FakeNetwork.Request(getRequestMethod(), url.toString(),
        Map.copyOf(new TreeMap<>(headers)), body.toByteArray()));
    responseCode = response.status();
  }

  @Override public void connect() throws IOException {
    String host = url.getHost();
    if (host == null || host.isEmpty() || host.endsWith(".invalid")) {
      send();
    }
    connected = true;
  }

  @Override public void disconnect() {}
  @Override public boolean usingProxy() { return false; }
  @Override public String getCipherSuite() { return "TLS_FAKE"; }
  @Override public Certificate[] getLocalCertificates() { return new Certificate[0]; }
  @Override public Certificate[] getServerCertificates() { return new Certificate[0]; }

  @Override public void setRequestProperty(String key, String value) { headers.put(key, value); }
  @Override public void addRequestProperty(String key, String value) { headers.merge(key, value, (a, b) -> a + "," + b); }
  @Override public String getRequestProperty(String key) { return headers.get(key); }

  @Override
  public Map<String, List<String>> getRequestProperties() {
    Map<String, List<String>> m = new TreeMap<>();
    headers.forEach((k, v) -> m.put(k, List.of(v)));
    return m;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if ("GET".equals(method)) {
      method = "POST";
    }
    return body;
  }

  @Override
  public int getResponseCode() throws IOException {
    send();
    return response.status();
  }

  @Override
  public String getResponseMessage() throws IOException {
    send();
    return response.status() == 200 ? "OK" : "ERROR";
  }

  @Override
  public InputStream getInputStream() throws IOException {
    send();
    if (response.status() >= 400) {
      throw new IOException("HTTP " + response.status() + " for " + url);
    }
    return new ByteArrayInputStream(response.body());
  }

  @Override
  public InputStream getErrorStream() {
    return response != null && response.status() >= 400 ? new ByteArrayInputStream(response.body()) : null;
  }

  @Override public String getHeaderField(String name) { return null; }
  @Override public int getContentLength() { return response == null ? -1 : response.body().length; }
  @Override public String getContentType() { return "application/json"; }
  @Override public String getContentEncoding() { return null; }
}
