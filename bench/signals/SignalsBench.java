import dev.vigil.config.SignalsConfig;
import dev.vigil.demo.signals.SignalsEvidence;
import dev.vigil.saliency.EmbeddingModel;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.SaliencyOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Model-side signals on the demo model, CPU: the evidence figures (PGD / clean / natural-shift
 * screening shares, input drift on the attack and natural-shift windows, false alarms over clean
 * windows) and the cost per sample of embeddings and of screening, next to the anchor: the bare
 * forward pass of the same model on already pre-processed tensors.
 *
 * <p>Usage: java -cp vigil.jar bench/signals/SignalsBench.java MODEL [--smoke]
 */
public class SignalsBench {
  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    boolean smoke = args.length > 1 && args[1].equals("--smoke");
    // The demo's sizes: 500 baseline requests and 250 attack-window requests at 50% sampling.
    SignalsEvidence.Sizes sizes = smoke ? new SignalsEvidence.Sizes(60, 8, 20, 40, 2, 30)
        : new SignalsEvidence.Sizes(256, 200, 50, 200, 40, 128);
    SignalsConfig config = SignalsConfig.defaults();
    long t0 = System.nanoTime();
    SignalsEvidence.Figures f = SignalsEvidence.run(model, sizes, 7, config, line -> System.err.println("bench: " + line));
    double total = (System.nanoTime() - t0) / 1e9;

    // Anchor: the forward pass alone, batches of 32 pre-processed 64 x 64 images.
    double anchor;
    try (EmbeddingModel m = EmbeddingModel.open(model, new SaliencyOptions("cpu", 2, 32), null)) {
      int n = smoke ? 32 : 256;
      float[] data = new float[n * 3 * 64 * 64];
      SplittableRandom rng = new SplittableRandom(1);
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) rng.nextDouble();
      }
      ImageTensor x = new ImageTensor(data, n, 3, 64, 64);
      m.run(x); // warm-up
      long a0 = System.nanoTime();
      int repeats = smoke ? 1 : 3;
      for (int r = 0; r < repeats; r++) {
        m.run(x);
      }
      anchor = (System.nanoTime() - a0) / 1e6 / (n * repeats);
    }
    System.out.println(f.line());
    System.out.printf(Locale.ROOT, "SIGNALS_COST ms_per_sample_embedding=%.3f ms_per_sample_screening=%.3f"
            + " ms_per_window_tests=%.1f anchor_forward_ms_per_sample=%.3f window_of_%d_embeddings_ms=%.0f total_s=%.1f%n",
        f.msPerEmbedding(), f.msPerScreening(), f.msPerTest(), anchor, config.sampleSize(),
        f.msPerEmbedding() * config.sampleSize() + f.msPerTest(), total);
    boolean ok = Double.isFinite(f.threshold()) && f.threshold() > 0 && Double.isFinite(f.msPerEmbedding())
        && f.msPerScreening() > 0 && f.pgdScreened() >= 0 && f.attackDrift().mmdP() > 0;
    if (!smoke) {
      ok &= f.pgdSuccessfulScreened() >= 0.9 && f.cleanScreened() <= 0.1 && f.attackDrift().mmdP() < 0.05
          && f.shiftDrift().mmdP() < 0.05;
    }
    if (!ok) {
      System.err.println("bench: FAILED: figures out of range: " + f.line());
      System.exit(1);
    }
  }
}
