package dev.vigil.demo.scenario;

import dev.vigil.alerts.HeatmapItem;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.demo.attack.StopSignAttack;
import dev.vigil.demo.signs.SignBatch;
import dev.vigil.demo.signs.SignImages;
import dev.vigil.demo.signs.SignSample;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.pipeline.ReportPipeline;
import dev.vigil.pipeline.replay.ReplayReport;
import dev.vigil.pipeline.replay.ReplayedSample;
import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.SaliencyResult;
import dev.vigil.saliency.image.Region;
import dev.vigil.saliency.render.HeatmapRenderer;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's addition to the alert: for every flagged sample the monitor's replay explained that
 * is one of the demo's adversarial images, FullGrad on the clean sign it was made from and on the
 * adversarial one, side by side ({@code pairs/pair-EVENTID.png}), attached to the email after the
 * replay's own heatmaps.
 *
 * <p>Which clean sign belongs to a flagged record: the demo sends every adversarial image with an
 * {@code X-Inference-Id} naming it, the agent keeps that id in the capture record, and the record
 * is read back from where the monitor found it ({@link CaptureFetcher}).
 */
final class HeatmapPairs implements ReportPipeline.Extension {
  private static final Logger log = LoggerFactory.getLogger(HeatmapPairs.class);
  /** Tiles are the 64 x 64 inputs scaled 3x: big enough to see the heat, small enough to mail. */
  private static final int TILE = 192;
  private static final int GAP = 8;
  private static final int HEADER = 40;
  private static final int FOOTER = 24;

  private final FullGradExplainer explainer;
  private final CaptureFetcher fetcher;
  private final Map<String, AttackedSign> byInferenceId;
  private final List<String> labels;
  private final Path dir;
  private final HeatmapRenderer renderer = HeatmapRenderer.defaults();
  private final List<Path> written = new CopyOnWriteArrayList<>();

  /**
   * @param explainer the model (not closed here)
   * @param fetcher reads capture records (not closed here)
   * @param byInferenceId adversarial images by the inference id they were sent with; read when a
   *     report comes, so the attack may fill it after construction (give a concurrent map)
   * @param labels class names by index
   * @param dir where pair PNGs go
   */
  HeatmapPairs(FullGradExplainer explainer, CaptureFetcher fetcher,
      Map<String, AttackedSign> byInferenceId, List<String> labels, Path dir) {
    this.explainer = explainer;
    this.fetcher = fetcher;
    this.byInferenceId = byInferenceId;
    this.labels = List.copyOf(labels);
    this.dir = dir;
  }

  /** The pair files written so far. */
  List<Path> written() {
    return List.copyOf(written);
  }

  private record Pending(String eventId, AttackedSign sign) {}

  @Override
  public List<HeatmapItem> heatmaps(MonitorReport report, ReplayReport replay) throws Exception {
    Map<String, FlaggedSample> flagged = new HashMap<>();
    for (Violation v : report.violations()) {
      for (FlaggedSample s : report.samplesOf(v)) {
        if (s.eventId() != null && s.location() != null) {
          flagged.putIfAbsent(s.eventId(), s);
        }
      }
    }
    List<Pending> pending = new ArrayList<>();
    for (ReplayedSample s : replay.samples()) {
      FlaggedSample f = flagged.get(s.eventId());
      if (!s.ok() || f == null) {
        continue;
      }
      CaptureRecord record;
      try {
        record = fetcher.fetch(f.location());
      } catch (IOException | RuntimeException e) {
        log.warn("flagged record {} cannot be read back ({}); no clean-vs-adversarial pair for it", s.eventId(),
            e.toString());
        continue;
      }
      AttackedSign a = record.inferenceId() == null ? null : byInferenceId.get(record.inferenceId());
      if (a != null) { // clean traffic has no adversarial counterpart
        pending.add(new Pending(s.eventId(), a));
      }
    }
    if (pending.isEmpty()) {
      return List.of();
    }
    SaliencyResult maps = explainer.explain(tensor(pending), null);
    Files.createDirectories(dir);
    List<HeatmapItem> items = new ArrayList<>();
    int n = pending.size();
    for (int i = 0; i < n; i++) {
      Pending p = pending.get(i);
      byte[] png = SignImages.png(render(p, maps, i, n + i));
      Path file = dir.resolve("pair-" + p.eventId().replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
      Files.write(file, png);
      written.add(file);
      int predicted = maps.targets()[n + i];
      items.add(new HeatmapItem("clean-vs-adversarial-" + p.eventId(), predicted, labels.get(predicted),
          maps.probabilities(n + i)[predicted], List.of(), png, null));
    }
    return items;
  }

  /** Clean images first, then the adversarial ones, as the model reads them (level / 255). */
  private static ImageTensor tensor(List<Pending> pending) {
    List<SignSample> both = new ArrayList<>();
    pending.forEach(p -> both.add(p.sign().source()));
    pending.forEach(p -> both.add(new SignSample(p.sign().adversarial().image(), p.sign().source().label(),
        p.sign().source().imageSeed())));
    SignBatch b = SignBatch.of(both);
    return new ImageTensor(b.data(), b.n(), b.c(), b.h(), b.w());
  }

  /** clean | its FullGrad | adversarial | its FullGrad, captioned with what the model said. */
  private BufferedImage render(Pending p, SaliencyResult maps, int clean, int adversarial) {
    StopSignAttack.Adversarial a = p.sign().adversarial();
    BufferedImage cleanTile = scaled(a.clean());
    BufferedImage advTile = scaled(a.image());
    Region whole = Region.whole(TILE, TILE);
    BufferedImage[] tiles = {
      cleanTile, renderer.overlay(cleanTile, maps.map(clean), maps.h(), maps.w(), whole),
      advTile, renderer.overlay(advTile, maps.map(adversarial), maps.h(), maps.w(), whole)
    };
    // Two caption lines per tile: what it is, then the model's answer (long labels are cut to fit).
    String[][] captions = {
      {"clean input", said(maps, clean)}, {"FullGrad, clean", ""},
      {"adversarial input", said(maps, adversarial)}, {"FullGrad, adversarial", ""}
    };
    int width = 4 * TILE + 5 * GAP;
    BufferedImage out = new BufferedImage(width, HEADER + TILE + FOOTER, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      g.setColor(new Color(30, 30, 30));
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      for (int t = 0; t < 4; t++) {
        int x = GAP + t * (TILE + GAP);
        g.drawImage(tiles[t], x, HEADER, null);
        g.drawString(fit(g, captions[t][0]), x, 16);
        g.drawString(fit(g, captions[t][1]), x, 32);
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.drawString(String.format(Locale.ROOT, "event %s   perturbation L-inf %d/255 after %d PGD steps",
          p.eventId(), a.linf(), a.steps()), GAP, HEADER + TILE + 16);
    } finally {
      g.dispose();
    }
    return out;
  }

  private String said(SaliencyResult maps, int i) {
    int c = maps.targets()[i];
    return String.format(Locale.ROOT, "%.0f%% %s", 100 * maps.probabilities(i)[c], labels.get(c));
  }

  private static String fit(Graphics2D g, String text) {
    String s = text;
    while (s.length() > 4 && g.getFontMetrics().stringWidth(s) > TILE) {
      s = s.substring(0, s.length() - 2);
    }
    return s.equals(text) ? s : s.substring(0, s.length() - 1) + "…";
  }

  private static BufferedImage scaled(BufferedImage image) {
    BufferedImage out = new BufferedImage(TILE, TILE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      // Nearest neighbour: the perturbation is per pixel; smoothing would hide what was changed.
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      g.drawImage(image, 0, 0, TILE, TILE, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
