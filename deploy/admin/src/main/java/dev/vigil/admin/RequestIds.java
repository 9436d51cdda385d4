package dev.vigil.admin;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The request id an error answer names and the log line with its details repeats, so an operator
 * finds one from the other while the client never sees internal exception text. Used by the
 * agent's proxy, the admin port and the console.
 */
public final class RequestIds {
  /** The response header naming the id. */
  public static final String HEADER = "X-Request-Id";
  /** A client's own id is reused only when it is this tame: it is echoed into JSON, HTML-free text and logs. */
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {}

  /** The first of the client's ids (e.g. X-Request-Id, X-Inference-Id) that is tame, else a new one. */
  public static String reuseOrNew(String... clientIds) {
    for (String id : clientIds) {
      if (id != null && CLIENT_ID.matcher(id).matches()) {
        return id;
      }
    }
    return next();
  }

  /** 16 hex digits: unique enough to find one failure in a log, cheap (failures only). */
  public static String next() {
    return String.format("%016x", ThreadLocalRandom.current().nextLong());
  }
}
