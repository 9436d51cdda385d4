import dev.vigil.demo.attack.StopSignAttack;
import dev.vigil.demo.signals.SignalsEvidence;
import dev.vigil.demo.signs.Corruptions;
import dev.vigil.demo.signs.SignClass;
import dev.vigil.demo.signs.SignGenerator;
import dev.vigil.demo.signs.SignSample;
import dev.vigil.saliency.EmbeddingModel;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.image.DecodedImage;
import dev.vigil.saliency.image.PreparedImage;
import dev.vigil.saliency.image.Preprocessor;
import dev.vigil.saliency.image.Squeezers;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Which feature squeezers, at which false-positive rate, on the demo model (issue 15's screening
 * goals): per seed, a baseline of clean signs calibrates each squeezer set's threshold exactly as
 * BaselineSignals does (the (1 - rate) quantile of the baseline's scores), then the shares of PGD
 * images, clean signs and each corruption above it are measured on inputs the calibration never saw.
 * Squeezers from Xu et al. (NDSS 2018): bit depth 4-7, median 2 x 2 (production) and 3 x 3 (here
 * only), and their joint max. The score of a set is the max of its members' L1 distances, so every
 * set is computed from the same forward passes.
 *
 * <p>Usage: java -cp vigil.jar bench/signals/SqueezerSweep.java MODEL [--smoke] [seeds, e.g. 7,8,9,10,11]
 */
public class SqueezerSweep {
  static final String[] NAMES = {"b4", "b5", "b6", "b7", "m2", "m3"};
  static final String[] SETS = {"pgd", "clean", "brightness", "blur", "noise", "jpeg"};
  static final String[][] CONFIGS = {{"b4"}, {"b5"}, {"b6"}, {"b7"}, {"m2"}, {"m3"}, {"b5", "m2"}, {"b5", "m3"},
      {"b5", "m2", "m3"}};
  static final double[] RATES = {0.05, 0.03, 0.02, 0.015, 0.01};
  /** Two-sided 95% Student t quantiles by degrees of freedom 1..9. */
  static final double[] T975 = {Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262};

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    boolean smoke = Arrays.asList(args).contains("--smoke");
    long[] seeds = Arrays.stream(args).skip(1).filter(a -> !a.startsWith("--")).findFirst()
        .map(s -> Arrays.stream(s.split(",")).mapToLong(Long::parseLong).toArray())
        .orElse(smoke ? new long[] {7, 8} : new long[] {7, 8, 9, 10, 11});
    int nBaseline = smoke ? 60 : 256;
    int nPgd = smoke ? 4 : 50;
    int nClean = smoke ? 40 : 200;
    int nShift = smoke ? 40 : 200;
    SaliencyOptions options = new SaliencyOptions("cpu", 2, 32);
    int stop = SignClass.STOP.index();
    // scores[seed][set] = per image, per squeezer L1
    List<Map<String, double[][]>> scores = new ArrayList<>();
    try (EmbeddingModel m = EmbeddingModel.open(model, options, null)) {
      Preprocessor p = new Preprocessor(SignalsEvidence.PREPROCESSING);
      for (long seed : seeds) {
        System.err.println("bench: squeezer sweep, seed " + seed);
        Map<String, double[][]> s = new LinkedHashMap<>();
        SignGenerator g = new SignGenerator(seed);
        s.put("baseline", l1(m, p, images(SignalsEvidence.signs(g, 1, nBaseline))));
        List<BufferedImage> victims = SignalsEvidence.signs(g, 3, nPgd * 2).stream().filter(x -> x.label() != stop)
            .limit(nPgd).map(SignSample::image).toList();
        try (StopSignAttack a = StopSignAttack.open(model, options, stop, StopSignAttack.Settings.DEFAULTS)) {
          s.put("pgd", l1(m, p, a.attack(victims, d -> {}).images().stream().map(StopSignAttack.Adversarial::image).toList()));
        }
        s.put("clean", l1(m, p, images(SignalsEvidence.signs(g, 4, nClean))));
        // The same signs and corruption seeds as SignalsEvidence's natural-shift window.
        List<SignSample> toCorrupt = SignalsEvidence.signs(g, 5, nShift);
        for (Corruptions c : Corruptions.values()) {
          List<BufferedImage> out = new ArrayList<>();
          for (int i = 0; i < toCorrupt.size(); i++) {
            if (Corruptions.cycle(i) == c) {
              out.add(c.apply(toCorrupt.get(i).image(), seed * 1000 + i));
            }
          }
          s.put(c.name().toLowerCase(Locale.ROOT), l1(m, p, out));
        }
        scores.add(s);
      }
    }
    boolean ok = true;
    System.out.println("SQUEEZERS by squeezer set at rate=0.05 (mean over seeds " + Arrays.toString(seeds) + ")");
    for (String[] config : CONFIGS) {
      double[][] shares = shares(scores, config, 0.05);
      ok &= print("SQUEEZERS set=" + String.join("+", config) + " rate=0.05", shares);
    }
    System.out.println("SQUEEZERS the default set b5+m2 by false-positive rate, per seed");
    for (double rate : RATES) {
      double[][] shares = shares(scores, new String[] {"b5", "m2"}, rate);
      for (int k = 0; k < seeds.length; k++) {
        ok &= print(String.format(Locale.ROOT, "SQUEEZERS_SEED set=b5+m2 rate=%s seed=%d", rate, seeds[k]),
            new double[][] {shares[k]});
      }
      ok &= print("SQUEEZERS set=b5+m2 rate=" + rate, shares);
      double[] clean = Arrays.stream(shares).mapToDouble(r -> r[1]).toArray();
      double mean = Arrays.stream(clean).average().orElse(Double.NaN);
      double sd = Math.sqrt(Arrays.stream(clean).map(c -> (c - mean) * (c - mean)).sum() / (clean.length - 1));
      double half = clean.length - 1 < T975.length ? T975[clean.length - 1] * sd / Math.sqrt(clean.length) : 1.96 * sd / Math.sqrt(clean.length);
      System.out.printf(Locale.ROOT, "SQUEEZERS_CLEAN set=b5+m2 rate=%s mean=%.4f t95=[%.4f, %.4f] seeds=%d per_seed=%d%n",
          rate, mean, mean - half, mean + half, clean.length, nClean);
    }
    if (!ok) {
      System.err.println("bench: FAILED: a share out of [0, 1]");
      System.exit(1);
    }
  }

  /** shares[seed][set]: the share of each evaluation set above the seed's baseline threshold. */
  static double[][] shares(List<Map<String, double[][]>> scores, String[] config, double rate) {
    int[] idx = Arrays.stream(config).mapToInt(n -> Arrays.asList(NAMES).indexOf(n)).toArray();
    double[][] out = new double[scores.size()][SETS.length];
    for (int k = 0; k < scores.size(); k++) {
      double[] base = joint(scores.get(k).get("baseline"), idx);
      Arrays.sort(base);
      int rank = (int) Math.ceil((1 - rate) * base.length - 1e-9); // as BaselineSignals.threshold
      double threshold = base[Math.max(0, Math.min(base.length - 1, rank - 1))];
      for (int j = 0; j < SETS.length; j++) {
        double[] v = joint(scores.get(k).get(SETS[j]), idx);
        out[k][j] = v.length == 0 ? Double.NaN : (double) Arrays.stream(v).filter(x -> x > threshold).count() / v.length;
      }
    }
    return out;
  }

  static double[] joint(double[][] perSqueezer, int[] idx) {
    return Arrays.stream(perSqueezer).mapToDouble(r -> Arrays.stream(idx).mapToDouble(i -> r[i]).max().orElseThrow()).toArray();
  }

  /** Prints the mean over seeds per set and the corrupted window's share (the four corruptions evenly). */
  static boolean print(String head, double[][] shares) {
    StringBuilder b = new StringBuilder(head);
    boolean ok = true;
    double shift = 0;
    for (int j = 0; j < SETS.length; j++) {
      int jj = j;
      double mean = Arrays.stream(shares).mapToDouble(r -> r[jj]).average().orElse(Double.NaN);
      ok &= mean >= 0 && mean <= 1;
      shift += j >= 2 ? mean / 4 : 0;
      b.append(String.format(Locale.ROOT, " %s=%.3f", SETS[j], mean));
    }
    System.out.println(b.append(String.format(Locale.ROOT, " shift_all=%.3f", shift)));
    return ok;
  }

  static List<BufferedImage> images(List<SignSample> signs) {
    return signs.stream().map(SignSample::image).toList();
  }

  static List<UnaryOperator<DecodedImage>> squeezers() {
    List<UnaryOperator<DecodedImage>> s = new ArrayList<>();
    for (int bits = 4; bits <= 7; bits++) {
      int b = bits;
      s.add(d -> Squeezers.bitDepth(d, b));
    }
    s.add(Squeezers::median2x2);
    s.add(SqueezerSweep::median3x3);
    return s;
  }

  /** Per image, per squeezer: the L1 distance of the soft-max on the squeezed copy from the original's. */
  static double[][] l1(EmbeddingModel m, Preprocessor p, List<BufferedImage> images) throws Exception {
    float[][] base = probabilities(m, p, images, null);
    List<UnaryOperator<DecodedImage>> sq = squeezers();
    double[][] out = new double[images.size()][sq.size()];
    for (int k = 0; k < sq.size(); k++) {
      float[][] s = probabilities(m, p, images, sq.get(k));
      for (int i = 0; i < images.size(); i++) {
        out[i][k] = Squeezers.score(base[i], s[i]);
      }
    }
    return out;
  }

  static float[][] probabilities(EmbeddingModel m, Preprocessor p, List<BufferedImage> images,
      UnaryOperator<DecodedImage> squeezer) throws Exception {
    float[][] out = new float[images.size()][];
    for (int start = 0; start < images.size(); start += 64) {
      List<PreparedImage> batch = new ArrayList<>();
      for (BufferedImage i : images.subList(start, Math.min(images.size(), start + 64))) {
        DecodedImage d = new DecodedImage("sign", i);
        batch.add(p.prepare(squeezer == null ? d : squeezer.apply(d)));
      }
      float[][] r = m.run(Preprocessor.stack(batch)).probabilities();
      System.arraycopy(r, 0, out, start, r.length);
    }
    return out;
  }

  /** 3 x 3 median per channel, edges replicated (scipy's median_filter(size=3) up to the edge mode). */
  static DecodedImage median3x3(DecodedImage image) {
    BufferedImage src = image.image();
    int w = src.getWidth();
    int h = src.getHeight();
    int[] px = src.getRGB(0, 0, w, h, null, 0, w);
    int[] dst = new int[w * h];
    int[] v = new int[9];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
          int k = 0;
          for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
              int yy = Math.min(h - 1, Math.max(0, y + dy));
              int xx = Math.min(w - 1, Math.max(0, x + dx));
              v[k++] = (px[yy * w + xx] >> shift) & 0xff;
            }
          }
          Arrays.sort(v);
          rgb |= v[4] << shift;
        }
        dst[y * w + x] = rgb;
      }
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, w, h, dst, 0, w);
    return new DecodedImage(image.name(), out);
  }
}
