package dev.vigil.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** Field-level syntax checks; each reports with the value's path and returns quietly. */
final class Checks {
  private static final Pattern ENDPOINT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern VARIANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]*[a-z0-9]");
  private static final Pattern IPV4 = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

  private Checks() {}

  static void endpointName(Mapping m, String key, String name) {
    if (name.isEmpty()) {
      return; // reported as missing
    }
    if (!ENDPOINT_NAME.matcher(name).matches()) {
      m.problems().add(m.path(key), "must be lowercase letters, digits and '-', starting with a letter or digit,"
          + " got '" + name + "'; e.g. " + suggestName(name));
    } else if (name.length() > 63) {
      m.problems().add(m.path(key), "must be at most 63 characters (it is part of S3 keys and topic names), got "
          + name.length());
    }
  }

  static void variant(Mapping m, String key, String variant) {
    if (!VARIANT.matcher(variant).matches() || variant.length() > 63) {
      m.problems().add(m.path(key), "must be letters, digits, '.', '_' or '-' (at most 63, it is part of S3 keys),"
          + " got '" + variant + "'");
    }
  }

  /** An http URL (or http/https when {@code httpsAllowed}); {@code null} stays {@code null}. */
  static URI url(Mapping m, String key, String text, boolean httpsAllowed) {
    return url(m, key, text, httpsAllowed, false);
  }

  /** A webhook URL: like {@link #url} but never echoed, it usually holds a token. */
  static URI sensitiveUrl(Mapping m, String key, String text) {
    return url(m, key, text, true, true);
  }

  private static URI url(Mapping m, String key, String text, boolean httpsAllowed, boolean sensitive) {
    if (text == null) {
      return null;
    }
    if (sensitive) {
      URI uri = url(Mapping.quiet(m), key, text, httpsAllowed, false);
      if (uri == null) {
        m.problems().add(m.path(key), "must be an http:// or https:// URL with a host, e.g."
            + " https://hooks.example.com/T000 (value not shown: webhook URLs usually carry a token)");
      }
      return uri;
    }
    String schemes = httpsAllowed ? "an http:// or https:// URL" : "an http:// URL";
    String example = httpsAllowed ? "https://example.com/path" : "http://127.0.0.1:8080";
    if (!text.contains("://")) {
      m.problems().add(m.path(key), "must be " + schemes + " with a host, got '" + text + "'; write http://" + text);
      return null;
    }
    try {
      URI uri = new URI(text.trim());
      String scheme = uri.getScheme();
      boolean schemeOk = "http".equalsIgnoreCase(scheme) || (httpsAllowed && "https".equalsIgnoreCase(scheme));
      if (!schemeOk || uri.getHost() == null) {
        String hint = !httpsAllowed && "https".equalsIgnoreCase(scheme)
            ? "; the agent talks plain HTTP to the model server next to it (terminate TLS in front of the agent)"
            : "; e.g. " + example;
        m.problems().add(m.path(key), "must be " + schemes + " with a host, got '" + text + "'" + hint);
        return null;
      }
      if (uri.getPort() > 65535) {
        m.problems().add(m.path(key), "port must be between 1 and 65535, got '" + text + "'");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      m.problems().add(m.path(key), "must be " + schemes + ", got '" + text + "' (" + e.getReason() + ")");
      return null;
    }
  }

  /** RFC 6901: empty, or '/'-separated tokens where '~' is only followed by 0 or 1. */
  static void jsonPointer(Problems problems, String path, String pointer, boolean emptyAllowed) {
    String problem = null;
    if (pointer.isEmpty()) {
      problem = emptyAllowed ? null : "must not be empty (that would redact the whole body); e.g. /instances/0/image";
    } else if (!pointer.startsWith("/")) {
      problem = "must be a JSON Pointer starting with '/', got '" + pointer + "'; e.g. /" + pointer.replace('.', '/');
    } else {
      for (int i = 0; i < pointer.length(); i++) {
        if (pointer.charAt(i) == '~'
            && (i + 1 >= pointer.length() || (pointer.charAt(i + 1) != '0' && pointer.charAt(i + 1) != '1'))) {
          problem = "must be a JSON Pointer, got '" + pointer + "'; '~' must be written ~0 and '/' inside a key ~1";
          break;
        }
      }
    }
    if (problem != null) {
      problems.add(path, problem);
    }
  }

  /** A Kafka topic name or template; {@code {endpoint}} stands for an endpoint name. */
  static void topic(Problems problems, String path, String topic) {
    String name = topic.replace(KafkaSinkConfig.ENDPOINT_PLACEHOLDER, "endpoint");
    if (name.isEmpty() || !TOPIC.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      problems.add(path, "must be a Kafka topic name (letters, digits, '.', '_', '-'; {endpoint} for the endpoint"
          + " name), got '" + topic + "'");
    } else if (name.length() > 200) {
      problems.add(path, "must be at most 200 characters, got " + name.length());
    }
  }

  static Path path(Mapping m, String key, String text) {
    if (text == null) {
      return null;
    }
    try {
      if (text.isBlank()) {
        throw new InvalidPathException(text, "empty");
      }
      return Path.of(text);
    } catch (InvalidPathException e) {
      m.problems().add(m.path(key), "must be a file path, got '" + text + "' (" + e.getReason() + ")");
      return null;
    }
  }

  /** Three per-channel values; std values must be positive (they divide). */
  static List<Double> channels(Mapping m, String key, List<Double> values, boolean positive) {
    if (values.size() != 3) {
      m.problems().add(m.path(key), "must have 3 values, one per channel, got " + values.size());
      return positive ? List.of(0.229, 0.224, 0.225) : List.of(0.485, 0.456, 0.406);
    }
    for (int i = 0; i < values.size(); i++) {
      if (positive && values.get(i) <= 0) {
        m.problems().add(m.path(key) + "[" + i + "]", "must be greater than 0 (pixels are divided by it), got "
            + values.get(i));
      }
    }
    return values;
  }

  private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** An HTTP header name (RFC 9110 token); empty means "not used". */
  static void headerName(Mapping m, String key, String name) {
    if (!name.isEmpty() && !HEADER.matcher(name).matches()) {
      m.problems().add(m.path(key), "must be an HTTP header name (letters, digits, '-'), got '" + name
          + "'; e.g. " + name.trim().replaceAll("[^!#$%&'*+.^_`|~0-9A-Za-z-]+", "-"));
    }
  }

  /** Media types like {@code application/json}: matched exactly (parameters ignored), no wildcards. */
  static void contentTypes(Mapping m, String key, java.util.List<String> types) {
    for (int i = 0; i < types.size(); i++) {
      String t = types.get(i);
      int slash = t.indexOf('/');
      if (slash <= 0 || slash == t.length() - 1 || t.indexOf('/', slash + 1) >= 0 || t.contains(" ")
          || t.contains("*")) {
        m.problems().add(m.path(key) + "[" + i + "]", "must be a media type like application/json (matched"
            + " exactly, no wildcards), got '" + t + "'");
      }
    }
  }

  /** {@code value} when above 0, else a problem and {@code fallback}. */
  static double positive(Mapping m, String key, double value, double fallback) {
    if (value <= 0) {
      m.problems().add(m.path(key), "must be greater than 0, got " + Mapping.describe(m.raw(key)));
      return fallback;
    }
    return value;
  }

  static void bootstrapServers(Mapping m, String key, String servers) {
    if (servers.isBlank()) {
      return; // a cross-field rule: only an error when the Kafka sink is enabled
    }
    for (String server : servers.split(",")) {
      String s = server.trim();
      int colon = s.lastIndexOf(':');
      String port = colon < 0 ? "" : s.substring(colon + 1);
      boolean ok = colon > 0 && port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1
          && Integer.parseInt(port) <= 65535;
      if (!ok) {
        m.problems().add(m.path(key), "must be host:port pairs separated by commas, got '" + servers
            + "'; e.g. 127.0.0.1:9092 or kafka-1:9092,kafka-2:9092");
        return;
      }
    }
  }

  static void prefix(Mapping m, String key, String prefix) {
    if (prefix.startsWith("/") || prefix.endsWith("/")) {
      m.problems().add(m.path(key), "must not start or end with '/', got '" + prefix + "'; write "
          + prefix.replaceAll("^/+|/+$", ""));
    }
  }

  /** S3 bucket naming rules (3-63 chars, lowercase, digits, '.', '-', not an IP address). */
  static String bucketProblem(String bucket) {
    if (bucket.length() < 3 || bucket.length() > 63) {
      return "must be 3 to 63 characters long, got '" + bucket + "' (" + bucket.length() + ")";
    }
    if (!BUCKET.matcher(bucket).matches()) {
      return "must be lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, got '"
          + bucket + "'";
    }
    if (bucket.contains("..")) {
      return "must not contain '..', got '" + bucket + "'";
    }
    if (IPV4.matcher(bucket).matches()) {
      return "must not look like an IP address, got '" + bucket + "'";
    }
    if (bucket.startsWith("xn--") || bucket.endsWith("-s3alias")) {
      return "must not start with 'xn--' or end with '-s3alias' (reserved by S3), got '" + bucket + "'";
    }
    return null;
  }

  static void email(Problems problems, String path, String address) {
    if (!EMAIL.matcher(address).matches()) {
      problems.add(path, "must be an e-mail address like ops@example.com, got '" + address + "'");
    }
  }

  static void emails(Problems problems, String path, List<String> addresses) {
    for (int i = 0; i < addresses.size(); i++) {
      email(problems, path + "[" + i + "]", addresses.get(i));
    }
  }

  private static String suggestName(String name) {
    String s = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+", "");
    return s.isEmpty() ? "traffic-signs" : s;
  }
}
