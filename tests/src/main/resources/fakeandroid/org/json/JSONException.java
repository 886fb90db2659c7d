package org.json;

public class JSONException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JSONException(String msg) {
    super(msg);
  }
}
