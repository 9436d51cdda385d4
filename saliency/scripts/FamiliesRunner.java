import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.SaliencyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs Vigil's FullGrad on every {@code NAME@SIZE.onnx} in a folder (written by torchvision_families.py) and prints
 * one line per model: {@code file|explains|ms} or {@code file|fails|the one-line message}. A batch of two N(0, 1)
 * images, argmax targets; a map that is not finite counts as a failure.
 * Usage: java -cp ... FamiliesRunner.java DIR [THREADS]
 */
public final class FamiliesRunner {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    dev.vigil.saliency.autodiff.OrtEnvironments.get(); // large init stack, see its javadoc
    List<Path> models;
    try (var files = Files.list(dir)) {
      models = files.filter(f -> f.getFileName().toString().endsWith(".onnx")).sorted().toList();
    }
    for (Path model : models) {
      String name = model.getFileName().toString();
      int size = Integer.parseInt(name.substring(name.indexOf('@') + 1, name.length() - ".onnx".length()));
      long t0 = System.nanoTime();
      try (FullGradExplainer explainer = FullGradExplainer.open(model, SaliencyOptions.DEFAULTS
          .withIntraOpThreads(threads))) {
        SaliencyResult r = explainer.explain(random(size), null);
        for (float v : r.maps()) {
          if (!Float.isFinite(v)) {
            throw new IllegalStateException("the map has a non-finite value");
          }
        }
        System.out.printf("%s|explains|%d%n", name, (System.nanoTime() - t0) / 1_000_000);
      } catch (Exception | OutOfMemoryError e) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        int cut = message.indexOf("; supported ops:");
        System.out.printf("%s|fails|%s: %s%n", name, e.getClass().getSimpleName(),
            cut > 0 ? message.substring(0, cut) : message);
      }
    }
  }

  static ImageTensor random(int size) {
    SplittableRandom random = new SplittableRandom(7);
    float[] v = new float[2 * 3 * size * size];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return new ImageTensor(v, 2, 3, size, size);
  }
}
