package dev.vigil.console;

import static dev.vigil.alerts.Text.html;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The page frame every console page shares: head, navigation, the stylesheet and script from the
 * jar ({@code /static/}, nothing from a CDN). Data never reaches markup unescaped: callers pass
 * text through {@link dev.vigil.alerts.Text#html} and URL parts through {@link #url}.
 */
final class Html {
  private Html() {}

  /** A whole page; {@code crumbs} are pre-rendered links (escaped by the caller). */
  static String page(String title, String crumbs, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + html(title) + " - Vigil</title>"
        + "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">"
        + "<link rel=\"stylesheet\" href=\"/static/console.css\">"
        + "<script src=\"/static/console.js\" defer></script></head>\n<body>"
        + "<header><a class=\"brand\" href=\"/\">Vigil</a><nav>" + crumbs + "</nav>"
        + "<form class=\"lookup\" action=\"/event\" method=\"get\"><input name=\"id\" placeholder=\"eventId\""
        + " aria-label=\"eventId\" required><button type=\"submit\">Look up</button></form></header>\n<main>"
        + "<h1>" + html(title) + "</h1>\n" + body + "</main></body></html>\n";
  }

  /** A link; {@code href} must already be safe (built with {@link #url}). */
  static String link(String href, String text) {
    return "<a href=\"" + html(href) + "\">" + html(text) + "</a>";
  }

  /** Breadcrumbs: "/ a / b". */
  static String crumbs(String... links) {
    return String.join(" <span class=\"sep\">/</span> ", links);
  }

  /** A URL query or path part, percent-encoded. */
  static String url(String part) {
    return URLEncoder.encode(part == null ? "" : part, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String endpointHref(String endpoint) {
    return "/endpoints/" + url(endpoint);
  }

  static String windowHref(String endpoint, WindowId id) {
    return endpointHref(endpoint) + "/windows/" + id;
  }

  static String eventHref(String endpoint, String eventId, String location) {
    return "/event?endpoint=" + url(endpoint) + "&id=" + url(eventId)
        + (location == null ? "" : "&loc=" + url(location));
  }

  /** A cell with a number or "-". */
  static String num(Double v, boolean percent) {
    return v == null ? "-" : Svg.value(v, percent);
  }
}
