package dev.vigil.console;

import static dev.vigil.alerts.Text.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CapturedBody;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** {@code /event?id=...}: one captured request and response, where it was flagged, FullGrad on demand. */
final class EventPage {
  /** Characters of a text body shown; the rest is cut with a note. */
  static final int TEXT_SHOWN = 16 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private EventPage() {}

  /** The look-up form, with a message when a search found nothing. */
  static String form(String message) {
    String body = (message == null ? "" : "<p id=\"not-found\" class=\"alarm\">" + html(message) + "</p>")
        + "<form class=\"event-form\" method=\"get\" action=\"/event\"><label>eventId <input name=\"id\" required>"
        + "</label> <label>endpoint <input name=\"endpoint\"></label> <label>captured around (UTC) <input"
        + " name=\"at\" placeholder=\"2026-11-22T10:30:00Z\"></label> <button type=\"submit\">Look up</button></form>"
        + "<p class=\"muted\">Flagged samples are found by eventId alone; any other capture needs its time (the"
        + " hour of its S3 object is scanned).</p>";
    return Html.page("Look up a captured request", "", body);
  }

  static String render(String eventId, EventLookup.Found found, CaptureRecord r, boolean fullGrad) {
    String endpoint = found.endpoint();
    String loc = found.location().uri();
    StringBuilder b = new StringBuilder();
    b.append("<table id=\"event\"><tbody>");
    row(b, "endpoint", endpoint + (r.vigil() == null ? "" : " / " + r.vigil().variant()));
    row(b, "inference time", r.inferenceTime().toString());
    row(b, "inference id", r.inferenceId());
    if (r.vigil() != null) {
      row(b, "status", Integer.toString(r.vigil().status()));
      row(b, "latency", String.format(Locale.ROOT, "%.1f ms", r.vigil().latencyMicros() / 1000.0));
      row(b, "truncated", Boolean.toString(r.vigil().truncated()));
    }
    row(b, "stored at", loc);
    b.append("</tbody></table>\n");

    if (!found.flaggedIn().isEmpty()) {
      b.append("<p>Flagged in ");
      for (int i = 0; i < found.flaggedIn().size(); i++) {
        WindowId w = found.flaggedIn().get(i);
        b.append(i == 0 ? "" : ", ").append(Html.link(Html.windowHref(endpoint, w), Svg.when(w.start())));
      }
      b.append(".</p>\n");
    }

    b.append("<div class=\"exchange\"><section><h2>Request</h2>");
    body(b, r.endpointInput(), "/event/input?endpoint=" + Html.url(endpoint) + "&loc=" + Html.url(loc));
    b.append("</section><section><h2>Response</h2>");
    body(b, r.endpointOutput(), null);
    b.append("</section></div>\n<h2>FullGrad</h2>\n");
    if (fullGrad) {
      String src = "/event/fullgrad?endpoint=" + Html.url(endpoint) + "&id=" + Html.url(eventId) + "&loc="
          + Html.url(loc);
      b.append("<p><button type=\"button\" id=\"run-fullgrad\" data-src=\"").append(html(src))
          .append("\">Run FullGrad on this sample</button> <span id=\"fullgrad-status\" class=\"muted\"></span></p>")
          .append("<figure id=\"fullgrad\" hidden><img id=\"fullgrad-img\" alt=\"FullGrad panel\"></figure>")
          .append("<noscript>").append(Html.link(src, "FullGrad panel")).append("</noscript>\n");
    } else {
      b.append("<p class=\"muted\">saliency.model is not set in the configuration: FullGrad is not available.</p>\n");
    }
    return Html.page("Event " + eventId, Html.crumbs(Html.link(Html.endpointHref(endpoint), endpoint),
        Html.link(Html.eventHref(endpoint, eventId, loc), eventId)), b.toString());
  }

  private static void body(StringBuilder b, CapturedBody body, String imageHref) {
    if (body == null) {
      b.append("<p class=\"muted\">not captured</p>");
      return;
    }
    String type = body.observedContentType() == null ? "" : body.observedContentType();
    b.append("<p class=\"muted\">").append(html(type)).append(", ").append(html(body.encoding())).append("</p>");
    if (imageHref != null && type.toLowerCase(Locale.ROOT).startsWith("image/")) {
      b.append("<img class=\"input\" alt=\"captured input\" src=\"").append(html(imageHref)).append("\">");
      return;
    }
    String text = body.isBase64() ? "(" + body.bytes().length + " bytes of binary data)"
        : pretty(new String(body.bytes(), StandardCharsets.UTF_8));
    if (text.length() > TEXT_SHOWN) {
      text = text.substring(0, TEXT_SHOWN) + "\n... (" + (text.length() - TEXT_SHOWN) + " more characters)";
    }
    b.append("<pre>").append(html(text)).append("</pre>");
  }

  private static String pretty(String text) {
    try {
      JsonNode n = JSON.readTree(text);
      return n == null ? text : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (java.io.IOException e) {
      return text;
    }
  }

  private static void row(StringBuilder b, String k, String v) {
    b.append("<tr><th>").append(html(k)).append("</th><td>").append(html(v == null ? "-" : v)).append("</td></tr>");
  }
}
