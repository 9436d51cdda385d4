package dev.vigil.demo.signals;

import dev.vigil.capture.format.CapturedBody;
import dev.vigil.config.SignalsConfig;
import dev.vigil.demo.attack.StopSignAttack;
import dev.vigil.demo.signs.Corruptions;
import dev.vigil.demo.signs.SignClass;
import dev.vigil.demo.signs.SignGenerator;
import dev.vigil.demo.signs.SignImages;
import dev.vigil.demo.signs.SignSample;
import dev.vigil.monitor.signals.BaselineSignals;
import dev.vigil.monitor.signals.Bbsd;
import dev.vigil.monitor.signals.Mmd;
import dev.vigil.monitor.signals.ModelReadings;
import dev.vigil.monitor.signals.ModelSignals;
import dev.vigil.monitor.signals.SampledInput;
import dev.vigil.pipeline.signals.OnnxModelProbe;
import dev.vigil.saliency.EmbeddingModel;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The evidence for the model-side signals on the demo's model and signs, through the production
 * code ({@link OnnxModelProbe}, {@link ModelSignals}, {@link Mmd}, {@link Bbsd}): a clean baseline,
 * the attack window (PGD images toward Stop mixed with clean signs, as the demo sends them), a
 * natural-shift window (brightness, blur, noise, JPEG) and repeated clean windows for the false
 * alarm rate of {@code input_drift}. Used by the demo's evidence test (small sizes) and by {@code
 * bench/signals} (the demo's sizes, with costs).
 */
public final class SignalsEvidence {
  private static final int STOP = SignClass.STOP.index();
  /** The demo endpoint's pre-processing (DemoScenario.PREPROCESSING). */
  public static final Preprocessing PREPROCESSING = new Preprocessing(64, 64, Preprocessing.parseResize("stretch"),
      dev.vigil.config.ChannelOrder.RGB, 255.0, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0));

  /**
   * Sizes of one run.
   *
   * @param baseline clean signs in the baseline
   * @param attacked PGD images in the attack window
   * @param attackClean clean signs in the attack window
   * @param shifted corrupted signs in the natural-shift window
   * @param cleanWindows clean windows for the false-alarm rate
   * @param cleanWindowSize signs per clean window
   */
  public record Sizes(int baseline, int attacked, int attackClean, int shifted, int cleanWindows, int cleanWindowSize) {}

  /**
   * What the run measured.
   *
   * @param threshold the screening threshold calibrated on the baseline
   * @param pgdSuccess share of PGD images the model reads as Stop
   * @param pgdScreened share of PGD images (all) screened as likely adversarial
   * @param pgdSuccessfulScreened the same among the successful ones (read as Stop)
   * @param cleanScreened share of the attack window's clean signs screened as likely adversarial
   * @param attackDrift the attack window's drift test
   * @param shiftScreened share of corrupted signs screened as likely adversarial
 * @param shiftScreenedBy the same per corruption (brightness, blur, noise, jpeg)
   * @param shiftDrift the natural-shift window's drift test
   * @param cleanFalseAlarmsMmd clean windows whose MMD p-value fell below the limit
   * @param cleanFalseAlarmsBbsd the same for BBSD
   * @param cleanWindows clean windows tested
   * @param pValueLimit the limit
   * @param msPerEmbedding wall ms per input for embeddings (decode, pre-process, forward)
   * @param msPerScreening wall ms per input for screening (three forward passes)
   * @param msPerTest wall ms of one MMD + BBSD + PCA of a window against the baseline
   */
  public record Figures(double threshold, double pgdSuccess, double pgdScreened, double pgdSuccessfulScreened,
      double cleanScreened, Drift attackDrift, double shiftScreened, java.util.Map<String, Double> shiftScreenedBy,
      Drift shiftDrift, int cleanFalseAlarmsMmd, int cleanFalseAlarmsBbsd, int cleanWindows, double pValueLimit, double msPerEmbedding, double msPerScreening,
      double msPerTest) {

    /** One line for logs and bench/README. */
    public String line() {
      return String.format(Locale.ROOT, "SIGNALS threshold=%.4f pgd_success=%.3f pgd_screened=%.3f"
              + " pgd_successful_screened=%.3f clean_screened=%.3f attack_mmd_p=%.4g attack_bbsd_p=%.4g"
              + " shift_screened=%.3f %s shift_mmd_p=%.4g shift_bbsd_p=%.4g clean_false_alarms_mmd=%d/%d"
              + " clean_false_alarms_bbsd=%d/%d limit=%s ms_per_embedding=%.3f ms_per_screening=%.3f ms_per_test=%.1f",
          threshold, pgdSuccess, pgdScreened, pgdSuccessfulScreened, cleanScreened, attackDrift.mmdP(),
          attackDrift.bbsdP(), shiftScreened, by(), shiftDrift.mmdP(), shiftDrift.bbsdP(), cleanFalseAlarmsMmd,
          cleanWindows, cleanFalseAlarmsBbsd, cleanWindows, pValueLimit, msPerEmbedding, msPerScreening, msPerTest);
    }

    /** {@code shift_screened_brightness=0.000 ...}. */
    private String by() {
      StringBuilder b = new StringBuilder();
      shiftScreenedBy.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ")
          .append(String.format(Locale.ROOT, "shift_screened_%s=%.3f", k, v)));
      return b.toString();
    }
  }

  /** A window's drift tests against the baseline. */
  public record Drift(double mmd2, double mmdP, double bbsdP) {}

  private SignalsEvidence() {}

  /**
   * Runs the experiment on {@code model} (the demo model) with signs of {@code seed}.
   *
   * @param progress one line per step
   */
  public static Figures run(Path model, Sizes sizes, long seed, SignalsConfig config, Consumer<String> progress)
      throws Exception {
    SignGenerator generator = new SignGenerator(seed);
    SaliencyOptions options = new SaliencyOptions("cpu", 2, 32);
    try (EmbeddingModel embeddings = EmbeddingModel.open(model, options, config.embeddingNode())) {
      OnnxModelProbe probe = new OnnxModelProbe(embeddings, new Preprocessor(PREPROCESSING), null, config.bitDepth());
      ModelSignals signals = new ModelSignals(probe, config, null);

      progress.accept("baseline: " + sizes.baseline() + " clean signs");
      List<SampledInput> baselineInputs = inputs("baseline", images(signs(generator, 1, sizes.baseline())));
      long t0 = System.nanoTime();
      BaselineSignals baseline = signals.baseline(baselineInputs);
      double msScreenAndEmbed = (System.nanoTime() - t0) / 1e6 / baselineInputs.size();
      double threshold = baseline.squeezeThreshold();

      progress.accept("attack: PGD on " + sizes.attacked() + " signs toward Stop");
      List<BufferedImage> victims = signs(generator, 3, sizes.attacked() * 2).stream().filter(s -> s.label() != STOP)
          .limit(sizes.attacked()).map(SignSample::image).toList();
      StopSignAttack.Run run;
      try (StopSignAttack attack = StopSignAttack.open(model, options, STOP, StopSignAttack.Settings.DEFAULTS)) {
        run = attack.attack(victims, done -> {});
      }
      List<BufferedImage> adversarial = run.images().stream().map(StopSignAttack.Adversarial::image).toList();
      ModelReadings adv = probe.read(inputs("adversarial", adversarial), true);
      List<BufferedImage> attackClean = images(signs(generator, 4, sizes.attackClean()));
      ModelReadings clean = probe.read(inputs("attack-clean", attackClean), true);
      int successful = 0;
      int successfulFlagged = 0;
      for (int i = 0; i < adv.readings().size(); i++) {
        if (run.images().get(i).predictedClass() == STOP) {
          successful++;
          if (adv.readings().get(i).squeezeScore() > threshold) {
            successfulFlagged++;
          }
        }
      }
      List<ModelReadings.Reading> attackWindow = new ArrayList<>(adv.readings());
      attackWindow.addAll(clean.readings());
      Drift attackDrift = drift(baseline, attackWindow, config);

      progress.accept("natural shift: " + sizes.shifted() + " corrupted signs");
      List<SignSample> toCorrupt = signs(generator, 5, sizes.shifted());
      List<BufferedImage> corrupted = new ArrayList<>();
      for (int i = 0; i < toCorrupt.size(); i++) {
        corrupted.add(Corruptions.cycle(i).apply(toCorrupt.get(i).image(), seed * 1000 + i));
      }
      long t1 = System.nanoTime();
      ModelReadings shifted = probe.read(inputs("shifted", corrupted), true);
      double msScreenAndEmbed2 = (System.nanoTime() - t1) / 1e6 / corrupted.size();
      Drift shiftDrift = drift(baseline, shifted.readings(), config);
      java.util.Map<String, Double> byCorruption = new java.util.LinkedHashMap<>();
      for (Corruptions c : Corruptions.values()) {
        int n = 0;
        int flagged = 0;
        for (ModelReadings.Reading r : shifted.readings()) {
          int i = Integer.parseInt(r.eventId().substring(r.eventId().lastIndexOf('-') + 1));
          if (Corruptions.cycle(i) == c) {
            n++;
            flagged += r.squeezeScore() > threshold ? 1 : 0;
          }
        }
        byCorruption.put(c.name().toLowerCase(Locale.ROOT), n == 0 ? 0 : (double) flagged / n);
      }

      progress.accept("clean windows: " + sizes.cleanWindows() + " x " + sizes.cleanWindowSize());
      int alarmsMmd = 0;
      int alarmsBbsd = 0;
      double embedMs = 0;
      double testMs = 0;
      for (int w = 0; w < sizes.cleanWindows(); w++) {
        List<SampledInput> in = inputs("clean-" + w, images(signs(generator, 100 + w, sizes.cleanWindowSize())));
        long t2 = System.nanoTime();
        ModelReadings r = probe.read(in, false);
        long t3 = System.nanoTime();
        Drift d = drift(baseline, r.readings(), config.withSeed(config.seed() + w));
        testMs += (System.nanoTime() - t3) / 1e6;
        embedMs += (t3 - t2) / 1e6 / in.size();
        alarmsMmd += d.mmdP() < config.driftPValue() ? 1 : 0;
        alarmsBbsd += d.bbsdP() < config.driftPValue() ? 1 : 0;
      }
      double msPerEmbedding = sizes.cleanWindows() == 0 ? Double.NaN : embedMs / sizes.cleanWindows();
      double msPerScreening = (msScreenAndEmbed + msScreenAndEmbed2) / 2;
      return new Figures(threshold, run.successRate(), share(adv, threshold),
          successful == 0 ? 0 : (double) successfulFlagged / successful, share(clean, threshold), attackDrift,
          share(shifted, threshold), byCorruption, shiftDrift, alarmsMmd, alarmsBbsd, sizes.cleanWindows(), config.driftPValue(),
          msPerEmbedding, msPerScreening, sizes.cleanWindows() == 0 ? Double.NaN : testMs / sizes.cleanWindows());
    }
  }

  private static Drift drift(BaselineSignals baseline, List<ModelReadings.Reading> window, SignalsConfig config) {
    float[][] x = window.stream().map(ModelReadings.Reading::embedding).toArray(float[][]::new);
    float[][] p = window.stream().map(ModelReadings.Reading::probabilities).toArray(float[][]::new);
    Mmd.Result mmd = Mmd.test(baseline.embeddings().values(), x, config.permutations(), config.seed());
    Bbsd.Result bbsd = Bbsd.test(baseline.probabilities().values(), p);
    return new Drift(mmd.mmd2(), mmd.pValue(), bbsd.pValue());
  }

  private static double share(ModelReadings r, double threshold) {
    long flagged = r.readings().stream().filter(x -> x.squeezeScore() > threshold).count();
    return r.readings().isEmpty() ? 0 : (double) flagged / r.readings().size();
  }

  /**
   * {@code n} signs of data set {@code set}, classes drawn independently and uniformly: windows of
   * real traffic are i.i.d. draws, not class-balanced ones (balanced windows and baselines vary less
   * than i.i.d. ones, which would make the drift tests look more conservative than they are).
   */
  public static List<SignSample> signs(SignGenerator generator, long set, int n) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(set * 0x9E3779B97F4A7C15L + 1);
    List<SignSample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int label = rng.nextInt(generator.classCount());
      long imageSeed = rng.nextLong();
      out.add(new SignSample(generator.render(label, imageSeed), label, imageSeed));
    }
    return out;
  }

  private static List<BufferedImage> images(List<SignSample> signs) {
    return signs.stream().map(SignSample::image).toList();
  }

  /** PNG request bodies, as the agent captures them. */
  static List<SampledInput> inputs(String prefix, List<BufferedImage> images) {
    List<SampledInput> out = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      out.add(new SampledInput(prefix + "-" + i,
          CapturedBody.base64("image/png", CapturedBody.INPUT, SignImages.png(images.get(i)))));
    }
    return out;
  }
}
