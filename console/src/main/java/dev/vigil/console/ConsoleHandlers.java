package dev.vigil.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.admin.RequestIds;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.baseline.Baseline;
import dev.vigil.monitor.baseline.BaselineException;
import dev.vigil.monitor.baseline.BaselineStore;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.pipeline.replay.SaliencyReplay;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One method per page or file the console serves; {@link ConsoleServer} routes to them. Each
 * reads what it needs (history, one report, one capture), renders, and returns a {@link
 * Response}; they hold no state of their own.
 */
final class ConsoleHandlers {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConsoleHandlers.class);
  /** Images and report files never change under one key except on a rerun: cache briefly. */
  static final int FILE_CACHE_SECONDS = 60;

  private final VigilConfig config;
  private final ReportHistory history;
  private final EventLookup lookup;
  private final OnDemandSaliency saliency;
  private final BaselineStore baselines;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  ConsoleHandlers(VigilConfig config, ReportHistory history, EventLookup lookup, OnDemandSaliency saliency,
      BaselineStore baselines, Clock clock) {
    this.config = config;
    this.history = history;
    this.lookup = lookup;
    this.saliency = saliency;
    this.baselines = baselines;
    this.clock = clock;
  }

  Response home() {
    List<HomePage.Row> rows = new ArrayList<>();
    for (EndpointConfig e : config.endpoints()) {
      rows.add(new HomePage.Row(e.name(), e.variant(), history.windows(e.name())));
    }
    return Response.html(HomePage.render(rows, clock.instant()));
  }

  Response endpoint(String endpoint, Map<String, String> query) {
    lookup.endpoint(endpoint);
    List<WindowSummary> windows = history.windows(endpoint);
    Range range = Range.of(query.get("from"), query.get("to"), query.get("last"), windows);
    return Response.html(EndpointPage.render(endpoint, windows, range));
  }

  Response window(String endpoint, String window) throws IOException {
    lookup.endpoint(endpoint);
    WindowId id = WindowId.parse(window);
    Optional<MonitorReport> report = history.report(endpoint, id);
    if (report.isEmpty()) {
      return Response.error(404, "no report for " + endpoint + " window " + id);
    }
    JsonNode index = history.file(endpoint, id, SaliencyReplay.INDEX).map(this::readTree).orElse(null);
    List<WindowSummary> all = history.windows(endpoint);
    WindowId previous = null;
    WindowId next = null;
    for (WindowSummary w : all) {
      if (w.id().compareTo(id) < 0) {
        previous = w.id();
      } else if (w.id().compareTo(id) > 0 && next == null) {
        next = w.id();
      }
    }
    return Response.html(WindowPage.render(endpoint, id, report.get(), index, previous, next));
  }

  /** A file of a window's report folder: PNG charts and overlays, the JSON documents. */
  Response file(String endpoint, String window, String name) throws IOException {
    lookup.endpoint(endpoint);
    String type = name.endsWith(".png") ? "image/png" : name.endsWith(".json") ? "application/json" : null;
    if (type == null || name.contains("..")) {
      return Response.error(404, "only .png and .json files of a report folder are served");
    }
    return history.file(endpoint, WindowId.parse(window), name)
        .map(b -> Response.bytes(type, b, FILE_CACHE_SECONDS))
        .orElseGet(() -> Response.error(404, "no " + name + " in " + endpoint + " window " + window));
  }

  Response baseline(String endpoint) throws IOException {
    lookup.endpoint(endpoint);
    String configured = config.monitor().baseline();
    if (configured != null && !configured.isBlank()) {
      String location = MonitorRuntime.baselineLocation(configured, endpoint);
      try {
        Baseline b = baselines.read(location);
        return Response.html(BaselinePage.render(endpoint, location, b.statistics(), b.constraints()));
      } catch (BaselineException e) {
        // fall back to the copy in the latest report
      }
    }
    List<WindowSummary> windows = history.windows(endpoint);
    for (int i = windows.size() - 1; i >= 0; i--) {
      Optional<MonitorReport> r = history.report(endpoint, windows.get(i).id());
      if (r.isPresent()) {
        return Response.html(BaselinePage.render(endpoint, "the report of " + Svg.when(windows.get(i).id().start()),
            r.get().baseline(), r.get().constraints()));
      }
    }
    return Response.html(BaselinePage.render(endpoint, null, null, null));
  }

  Response event(Map<String, String> query) throws IOException {
    String id = query.get("id");
    if (id == null || id.isBlank()) {
      return Response.html(EventPage.form(null));
    }
    Instant at = null;
    String atText = query.get("at");
    if (atText != null && !atText.isBlank()) {
      try {
        at = Instant.parse(atText.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("at must be an instant such as 2026-11-22T10:30:00Z, got '" + atText + "'", e);
      }
    }
    Optional<EventLookup.Found> found = lookup.find(id.trim(), blankToNull(query.get("endpoint")),
        blankToNull(query.get("loc")), at);
    if (found.isEmpty()) {
      return new Response(404, "text/html; charset=utf-8", EventPage.form("No flagged sample has eventId '" + id + "'"
          + (at == null ? "; give the time it was captured to search every capture of that hour." : " and no capture"
          + " of that hour has it.")).getBytes(java.nio.charset.StandardCharsets.UTF_8), 0);
    }
    CaptureRecord record = lookup.fetch(found.get().location());
    if (!record.eventId().equals(id.trim())) {
      return Response.error(404, "the record at " + found.get().location().uri() + " has another eventId");
    }
    return Response.html(EventPage.render(id.trim(), found.get(), record, saliency.enabled()));
  }

  /** The captured input image of a record (PNG/JPEG as captured). */
  Response input(Map<String, String> query) throws IOException {
    EndpointConfig e = lookup.endpoint(required(query, "endpoint"));
    CaptureRecord r = lookup.fetch(lookup.allowed(e, required(query, "loc")));
    CapturedBody in = r.endpointInput();
    String type = in == null || in.observedContentType() == null ? ""
        : in.observedContentType().toLowerCase(Locale.ROOT).split(";")[0].trim();
    if (!type.equals("image/png") && !type.equals("image/jpeg")) {
      return Response.error(404, "the captured input is not a PNG or JPEG image (" + type + ")");
    }
    return Response.bytes(type, in.bytes(), FILE_CACHE_SECONDS);
  }

  /** FullGrad of one record, computed on {@link OnDemandSaliency}'s thread; completes the response later. */
  CompletableFuture<Response> fullGrad(Map<String, String> query) throws IOException {
    EndpointConfig e = lookup.endpoint(required(query, "endpoint"));
    String id = required(query, "id");
    if (!saliency.enabled()) {
      return CompletableFuture.completedFuture(Response.error(404, "saliency.model is not set: FullGrad is not available"));
    }
    if (e.preprocessing() == null) {
      return CompletableFuture.completedFuture(Response.error(404, "endpoints[" + e.name() + "].preprocessing is not set"));
    }
    String loc = required(query, "loc");
    CaptureRecord r = lookup.fetch(lookup.allowed(e, loc));
    try {
      return saliency.explain(e, id, loc, r)
          .thenApply(png -> Response.bytes("image/png", png, FILE_CACHE_SECONDS))
          .exceptionally(t -> {
            String requestId = RequestIds.next();
            log.warn("FullGrad of {} record {} failed (request {})", e.name(), id, requestId,
                t.getCause() == null ? t : t.getCause());
            return Response.error(422, "FullGrad failed for this record (request " + requestId
                + "); the console's log has the details");
          });
    } catch (RejectedExecutionException busy) {
      return CompletableFuture.completedFuture(Response.error(503, "FullGrad is busy with "
          + OnDemandSaliency.QUEUE + " waiting requests; try again shortly"));
    }
  }

  private JsonNode readTree(byte[] b) {
    try {
      return json.readTree(b);
    } catch (IOException e) {
      return null;
    }
  }

  private static String required(Map<String, String> query, String name) {
    String v = query.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("the query parameter '" + name + "' is required");
    }
    return v;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
