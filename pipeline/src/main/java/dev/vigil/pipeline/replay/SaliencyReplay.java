package dev.vigil.pipeline.replay;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.classes.ClassScore;
import dev.vigil.classes.Labels;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.signals.Screening;
import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.Provenance;
import dev.vigil.saliency.SaliencyResult;
import dev.vigil.saliency.image.ImageDecodeException;
import dev.vigil.saliency.image.PreparedImage;
import dev.vigil.saliency.image.Preprocessor;
import dev.vigil.saliency.image.Region;
import dev.vigil.saliency.input.DecodedInput;
import dev.vigil.saliency.input.InputDecoder;
import dev.vigil.saliency.input.TensorRendering;
import dev.vigil.saliency.render.HeatmapRenderer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays captured inputs through the model and writes FullGrad heatmaps next to a window's
 * report: {@code saliency/index.json} plus {@code saliency/<eventId>-overlay.png} and {@code
 * -panel.png} per sample.
 *
 * <p>Flow: fetch each flagged sample's capture record ({@link CaptureFetcher}), decode its
 * {@code endpointInput} with {@link InputDecoder} (raw images, {@code .npy}, the JSON shapes of TF
 * Serving, KServe v1/v2 and Hugging Face, Triton binary, multipart uploads), take the input at the
 * sample's position in the batch, pre-process it when it is an image, group by tensor shape
 * and run FullGrad in batches of {@code batchSize}, render, write. A record that cannot be
 * fetched, decoded or explained is listed in the index with the reason and never stops the
 * others: one bad capture must not hide the heatmaps of the rest.
 *
 * <p>Not thread-safe; one replay at a time per instance (the explainer serialises runs anyway).
 */
public final class SaliencyReplay {
  /** Folder of the replay files inside a report folder. */
  public static final String FOLDER = "saliency/";

  /** The index file, relative to the report folder. */
  public static final String INDEX = FOLDER + "index.json";

  private static final Logger LOG = LoggerFactory.getLogger(SaliencyReplay.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * A capture to replay: its record, or why it could not be fetched.
   *
   * @param eventId the record's eventId (the key in the index)
   * @param location where it was read from, for the index
   * @param batchItem the sample's position in its request's batch (0 when not batched)
   * @param record the record, null when it could not be fetched
   * @param fetchError why it could not be fetched, null when fetched
   */
  public record Capture(
      String eventId, String location, int batchItem, CaptureRecord record, String fetchError) {
    public Capture {
      Objects.requireNonNull(eventId, "eventId");
      if ((record == null) == (fetchError == null)) {
        throw new IllegalArgumentException("give either a record or a fetch error");
      }
    }

    public static Capture of(String eventId, String location, CaptureRecord record) {
      return new Capture(eventId, location, 0, record, null);
    }

    public static Capture unavailable(String eventId, String location, String reason) {
      return new Capture(eventId, location, 0, null, reason);
    }
  }

  private final FullGradExplainer explainer;
  private final Preprocessor preprocessor;
  private final Labels labels;
  private final HeatmapRenderer renderer;
  private final int batchSize;
  private final Clock clock;

  /**
   * @param explainer the model (not closed here)
   * @param preprocessor the endpoint's pre-processing
   * @param labels class names
   * @param renderer overlay and panel drawing
   * @param batchSize images per FullGrad run, at least 1 ({@code saliency.batchSize})
   * @param clock time of the index
   */
  public SaliencyReplay(
      FullGradExplainer explainer,
      Preprocessor preprocessor,
      Labels labels,
      HeatmapRenderer renderer,
      int batchSize,
      Clock clock) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize " + batchSize + " must be at least 1");
    }
    this.explainer = Objects.requireNonNull(explainer, "explainer");
    this.preprocessor = Objects.requireNonNull(preprocessor, "preprocessor");
    this.labels = Objects.requireNonNull(labels, "labels");
    this.renderer = Objects.requireNonNull(renderer, "renderer");
    this.batchSize = batchSize;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Fetches the records behind flagged samples, once per eventId and batch position (a sample
   * flagged by several violations is replayed once; the items of one batched request each are),
   * keeping the order. Fetch failures become {@link Capture#unavailable} entries.
   */
  public static List<Capture> fetch(List<FlaggedSample> samples, CaptureFetcher fetcher) {
    List<Capture> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (FlaggedSample s : samples) {
      String location = s.location() == null ? null : s.location().uri();
      String id = s.eventId() != null ? s.eventId() : "(no eventId) " + location;
      if (!seen.add(id + "#" + s.batchItem())) {
        continue;
      }
      if (s.location() == null) {
        out.add(new Capture(id, null, s.batchItem(), null, "the sample has no capture location"));
        continue;
      }
      try {
        out.add(new Capture(id, location, s.batchItem(), fetcher.fetch(s.location()), null));
      } catch (IOException | RuntimeException e) {
        out.add(new Capture(id, location, s.batchItem(), null, oneLine(e)));
      }
    }
    return out;
  }

  /**
   * Replays captures and writes the files to every sink.
   *
   * @throws IOException when no sink could store the files (the message lists why)
   */
  public ReplayReport replay(List<Capture> captures, List<ArtifactSink> sinks) throws IOException {
    return replay(captures, sinks, Map.of());
  }

  /**
   * As {@link #replay(List, List)}, with each sample's adversarial screening in the index.
   *
   * @param screenings verdicts by {@code eventId#batchItem} ({@link #screeningKey})
   */
  public ReplayReport replay(List<Capture> captures, List<ArtifactSink> sinks, Map<String, Screening> screenings)
      throws IOException {
    List<ReplayedSample> done = new ArrayList<>(captures.size());
    List<Pending> pending = new ArrayList<>();
    for (int i = 0; i < captures.size(); i++) {
      Capture c = captures.get(i);
      done.add(null);
      if (c.fetchError() != null) {
        done.set(i, ReplayedSample.failed(c.eventId(), c.location(), c.batchItem(), c.fetchError()));
        continue;
      }
      try {
        pending.add(decode(i, c));
      } catch (ImageDecodeException | IllegalArgumentException e) {
        done.set(i, ReplayedSample.failed(c.eventId(), c.location(), c.batchItem(), oneLine(e)));
      }
    }
    Provenance provenance = null;
    Set<String> fileNames = new HashSet<>();
    for (List<Pending> batch : batches(pending)) {
      SaliencyResult result;
      try {
        result = explainer.explain(stack(batch), null);
      } catch (OrtException | RuntimeException e) {
        LOG.warn("FullGrad failed for a batch of {}: {}", batch.size(), e.getMessage());
        for (Pending p : batch) {
          Capture c = captures.get(p.index);
          done.set(p.index, ReplayedSample.failed(c.eventId(), c.location(), c.batchItem(),
              "FullGrad failed: " + oneLine(e)));
        }
        continue;
      }
      if (provenance == null) {
        provenance = result.provenance();
      }
      for (int k = 0; k < batch.size(); k++) {
        Pending p = batch.get(k);
        done.set(p.index, render(captures.get(p.index), p, result, k, fileNames));
      }
    }
    byte[] index = indexJson(done, provenance, screenings);
    List<String> written = write(done, index, sinks);
    LOG.info(
        "replayed {} of {} captures with FullGrad; files in {}",
        done.stream().filter(ReplayedSample::ok).count(),
        done.size(),
        written);
    return new ReplayReport(done, provenance, index, written);
  }

  /** A decoded input waiting for its batch. */
  private record Pending(int index, float[] chw, int c, int h, int w, PreparedImage image) {}

  private Pending decode(int index, Capture c) {
    CaptureRecord r = c.record();
    CapturedBody body = r.endpointInput();
    if (body == null) {
      throw new IllegalArgumentException(
          "the record has no captured input (capture mode Output?): nothing to explain");
    }
    if (r.vigil() != null && r.vigil().truncated()) {
      throw new IllegalArgumentException(
          "the captured input was truncated at capture.maxBodyBytes: raise it to replay such"
              + " inputs");
    }
    List<DecodedInput> inputs = InputDecoder.decode(body.bytes(), body.observedContentType(), c.eventId());
    int item = c.batchItem();
    if (item >= inputs.size()) {
      if (inputs.size() > 1) {
        throw new IllegalArgumentException("prediction " + item + " of the response has no input: the request"
            + " holds " + inputs.size() + " inputs (" + inputs.get(0).format() + ")");
      }
      item = 0; // one input, several outputs (e.g. a detector's list): explain the one input
    }
    DecodedInput input = inputs.get(item);
    if (!input.isImage()) {
      ImageTensor one = input.tensor();
      return new Pending(index, one.data(), one.c(), one.h(), one.w(), null);
    }
    PreparedImage prepared = preprocessor.prepare(input.image());
    return new Pending(
        index, prepared.chw(), prepared.channels(), prepared.height(), prepared.width(), prepared);
  }

  /** Same-shape groups in input order, cut into runs of at most {@code batchSize}. */
  private List<List<Pending>> batches(List<Pending> pending) {
    Map<List<Integer>, List<Pending>> byShape = new LinkedHashMap<>();
    for (Pending p : pending) {
      byShape.computeIfAbsent(List.of(p.c, p.h, p.w), k -> new ArrayList<>()).add(p);
    }
    List<List<Pending>> out = new ArrayList<>();
    for (List<Pending> group : byShape.values()) {
      for (int from = 0; from < group.size(); from += batchSize) {
        out.add(group.subList(from, Math.min(group.size(), from + batchSize)));
      }
    }
    return out;
  }

  private static ImageTensor stack(List<Pending> batch) {
    Pending first = batch.get(0);
    int size = first.chw.length;
    float[] data = new float[size * batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      System.arraycopy(batch.get(i).chw, 0, data, i * size, size);
    }
    return new ImageTensor(data, batch.size(), first.c, first.h, first.w);
  }

  private ReplayedSample render(
      Capture c, Pending p, SaliencyResult result, int k, Set<String> fileNames) {
    float[] probabilities = result.probabilities(k);
    List<ClassScore> top = ClassScore.top(probabilities, 5, labels);
    ClassScore best = top.get(0);
    int target = result.targets()[k];
    float[] map = result.map(k);
    String stem = uniqueStem(c.batchItem() == 0 ? c.eventId() : c.eventId() + "-" + c.batchItem(), fileNames);
    BufferedImage overlay;
    byte[] panelPng = null;
    byte[] inputPng = null;
    String panelFile = null;
    if (p.image != null) {
      BufferedImage original = p.image.original().image();
      overlay = renderer.overlay(original, map, result.h(), result.w(), p.image.region());
      String title =
          c.eventId() + ": FullGrad for " + labels.name(target) + String.format(
              Locale.ROOT, " (predicted %s, %.1f%%)", best.label(), 100 * best.score());
      panelPng = png(renderer.panel(original, overlay, top, title));
      panelFile = stem + "-panel.png";
      inputPng = png(original);
    } else {
      // An input that came as a tensor: draw over a rendering of the tensor itself.
      BufferedImage picture = TensorRendering.toImage(
          new ImageTensor(p.chw, 1, p.c, p.h, p.w), 0);
      overlay = renderer.overlay(picture, map, result.h(), result.w(), Region.whole(result.w(), result.h()));
      inputPng = png(picture);
    }
    return new ReplayedSample(
        c.eventId(),
        c.location(),
        true,
        null,
        best.index(),
        best.label(),
        best.score(),
        target,
        top,
        stem + "-overlay.png",
        panelFile,
        png(overlay),
        panelPng,
        inputPng,
        c.batchItem());
  }

  /** File-system and S3 safe, unique within one replay. */
  static String uniqueStem(String eventId, Set<String> taken) {
    String base = eventId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (base.isEmpty() || base.startsWith(".")) {
      base = "event" + base;
    }
    if (base.length() > 100) {
      base = base.substring(0, 100);
    }
    String stem = base;
    for (int n = 2; !taken.add(stem); n++) {
      stem = base + "-" + n;
    }
    return stem;
  }

  private static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The key of a sample's screening verdict. */
  public static String screeningKey(String eventId, int batchItem) {
    return eventId + "#" + batchItem;
  }

  private byte[] indexJson(List<ReplayedSample> samples, Provenance provenance, Map<String, Screening> screenings)
      throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("method", "FullGrad");
    root.put("generatedAt", clock.instant().toString());
    root.put(
        "display",
        "per-image min-max of the raw map, Turbo colormap, blended over the input at its"
            + " original size");
    if (provenance != null) {
      Map<String, Object> prov = new LinkedHashMap<>();
      prov.put("modelSha256", provenance.modelSha256());
      prov.put("opset", provenance.opset());
      prov.put("device", provenance.device());
      prov.put("deviceNote", provenance.deviceNote());
      prov.put("intraOpThreads", provenance.intraOpThreads());
      prov.put("startedAt", provenance.startedAt().toString());
      prov.put("targets", "argmax of the model's logits");
      root.put("provenance", prov);
    }
    List<Map<String, Object>> items = new ArrayList<>();
    for (ReplayedSample s : samples) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("eventId", s.eventId());
      m.put("location", s.location());
      m.put("batchItem", s.batchItem());
      m.put("status", s.ok() ? "ok" : "failed");
      Screening verdict = screenings.get(screeningKey(s.eventId(), s.batchItem()));
      if (verdict != null) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("score", verdict.score());
        v.put("threshold", verdict.threshold());
        v.put("likely_adversarial", verdict.likelyAdversarial());
        m.put("screening", v);
      }
      if (!s.ok()) {
        m.put("reason", s.reason());
      } else {
        m.put("predictedClass", s.predictedClass());
        m.put("label", s.label());
        m.put("confidence", s.confidence());
        m.put("explainedClass", s.explainedClass());
        List<Map<String, Object>> top = new ArrayList<>();
        for (ClassScore cs : s.top5()) {
          Map<String, Object> t = new LinkedHashMap<>();
          t.put("index", cs.index());
          t.put("label", cs.label());
          t.put("probability", cs.score());
          top.add(t);
        }
        m.put("top5", top);
        m.put("overlay", s.overlayFile());
        m.put("panel", s.panelFile());
      }
      items.add(m);
    }
    root.put("samples", items);
    return JSON.writeValueAsBytes(root);
  }

  private static List<String> write(
      List<ReplayedSample> samples, byte[] index, List<ArtifactSink> sinks) throws IOException {
    List<String> written = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (ArtifactSink sink : sinks) {
      try {
        for (ReplayedSample s : samples) {
          if (s.overlayPng() != null) {
            sink.put(FOLDER + s.overlayFile(), s.overlayPng(), "image/png");
          }
          if (s.panelPng() != null) {
            sink.put(FOLDER + s.panelFile(), s.panelPng(), "image/png");
          }
        }
        // The index last: whoever sees it can rely on the PNGs it names.
        sink.put(INDEX, index, "application/json");
        written.add(sink.location());
      } catch (IOException e) {
        LOG.warn("replay files could not be written to {}: {}", sink.location(), e.getMessage());
        failures.add(e.getMessage());
      }
    }
    if (!sinks.isEmpty() && written.isEmpty()) {
      throw new IOException("no sink took the replay files: " + String.join("; ", failures));
    }
    return written;
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  @Override
  public String toString() {
    return "SaliencyReplay[batchSize=" + batchSize + ", labels=" + labels.names().size()
        + ", preprocessing=" + preprocessor.settings() + "]";
  }
}
