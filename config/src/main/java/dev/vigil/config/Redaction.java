package dev.vigil.config;

import java.net.URI;
import java.util.regex.Pattern;

/** Masks the secret parts of values that are not secrets as a whole (URLs). */
final class Redaction {
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");

  private Redaction() {}

  /** A JDBC URL with any {@code password=...} parameter masked. */
  static String jdbcUrl(String url) {
    return url == null ? null : PASSWORD_PARAM.matcher(url).replaceAll("$1" + Secret.MASK);
  }

  /**
   * A webhook URL reduced to scheme, host and port: chat webhooks carry their token in the
   * path or query, so the rest is masked.
   */
  static String webhook(URI url) {
    if (url == null) {
      return null;
    }
    String origin = url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    boolean more = (url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/"))
        || url.getRawQuery() != null || url.getRawUserInfo() != null;
    return more ? origin + "/" + Secret.MASK : origin;
  }
}
