import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.SaliencyResult;
import dev.vigil.saliency.autodiff.OnnxGraph;
import dev.vigil.saliency.fullgrad.FullGradGraph;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ms per image for the plain ONNX Runtime forward pass and for FullGrad (forward + in-graph backward + map) on
 * one model, at the given batch sizes. Usage: java -cp ... FullGradBench.java MODEL THREADS DEVICE BATCH...
 * The input size is the model's (C x H x W of its first input); -Drepeats=N overrides the repeat count.
 * -Dprofile=DIR also runs the plain and the augmented model (the graph FullGradExplainer runs, same session options)
 * under ONNX Runtime's profiler, writes the JSON traces into DIR and prints kernel time per op type, split into the
 * forward part and the backward pass + map (nodes Vigil added, named vigil/...).
 * Exits 1 when a FullGrad map is not finite, negative or all zero, or the batch's logits differ from the
 * plain forward pass.
 */
public final class FullGradBench {

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    String device = args[2];
    OrtEnvironment env = dev.vigil.saliency.autodiff.OrtEnvironments.get(); // large init stack, see its javadoc
    SaliencyOptions options = new SaliencyOptions(device, threads, 1024);
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(threads);
      if (device.equals("cuda")) {
        so.addCUDA(0);
      }
      try (OrtSession forward = env.createSession(Files.readAllBytes(model), so);
          FullGradExplainer explainer = FullGradExplainer.open(model, options)) {
        String input = forward.getInputNames().iterator().next();
        long[] shape = ((TensorInfo) forward.getInputInfo().get(input).getInfo()).getShape(); // N x C x H x W
        for (int i = 3; i < args.length; i++) {
          int batch = Integer.parseInt(args[i]);
          int repeats = Integer.getInteger("repeats", batch == 1 ? 15 : Math.max(5, 64 / batch));
          ImageTensor x = random(batch, (int) shape[1], (int) shape[2], (int) shape[3]);
          check(env, x, forward, input, explainer.explain(x, null));
          double[] fw = new double[repeats];
          double[] fg = new double[repeats];
          for (int r = -2; r < repeats; r++) { // two warm-up rounds
            long t0 = System.nanoTime();
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), x.shape());
                OrtSession.Result out = forward.run(Map.of(input, t))) {
              out.get(0);
            }
            long t1 = System.nanoTime();
            explainer.explain(x, null);
            long t2 = System.nanoTime();
            if (r >= 0) {
              fw[r] = (t1 - t0) / 1e6 / batch;
              fg[r] = (t2 - t1) / 1e6 / batch;
            }
          }
          // On a shared machine noise only ever adds time: the minimum is the steadiest figure, the median is shown too.
          double f = min(fw);
          double g = min(fg);
          System.out.printf("vigil device=%s batch=%d threads=%d forward_ms_per_image=%.1f fullgrad_ms_per_image=%.1f "
              + "ratio=%.2f maps_per_s=%.1f (min of %d; medians %.1f / %.1f)%n", explainer.device(), batch, threads,
              f, g, g / f, 1000 / g, repeats, median(fw), median(fg));
          String profile = System.getProperty("profile");
          if (profile != null) {
            profile(env, model, threads, x, Path.of(profile));
          }
        }
      }
    }
  }

  /** Profiles 3 runs of the plain and of the augmented model and prints ms per image by op type. */
  static void profile(OrtEnvironment env, Path model, int threads, ImageTensor x, Path dir) throws Exception {
    Files.createDirectories(dir);
    byte[] augmented = FullGradGraph.build(OnnxGraph.read(model), x.c(), x.h(), x.w(), false).model().toByteArray();
    for (String which : List.of("forward", "fullgrad")) {
      try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
        so.setIntraOpNumThreads(threads);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT); // as Sessions does
        so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        so.enableProfiling(dir.resolve(which + "-batch" + x.n()).toString());
        byte[] bytes = which.equals("forward") ? Files.readAllBytes(model) : augmented;
        String trace;
        int runs = 3;
        try (OrtSession s = env.createSession(bytes, so)) {
          String input = s.getInputNames().iterator().next();
          for (int r = 0; r < runs + 1; r++) { // the first run warms up and is left out below
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put(input, OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), x.shape()));
            if (which.equals("fullgrad")) {
              long[] t = new long[x.n()];
              Arrays.fill(t, -1);
              in.put(FullGradGraph.TARGET_REQUEST, OnnxTensor.createTensor(env, LongBuffer.wrap(t), new long[] {x.n()}));
            }
            try (OrtSession.Result out = s.run(in)) {
              out.get(0);
            } finally {
              in.values().forEach(OnnxTensor::close);
            }
          }
          trace = s.endProfiling();
        }
        summarize(which, x.n(), runs, Path.of(trace));
      }
    }
  }

  /** Kernel time per op type (ms per image, top 12) of the last {@code runs} runs in an ONNX Runtime trace. */
  static void summarize(String which, int batch, int runs, Path trace) throws Exception {
    JsonNode events = new ObjectMapper().readTree(trace.toFile());
    long firstRunEnd = Long.MAX_VALUE;
    for (JsonNode e : events) {
      if (e.path("name").asText().equals("model_run")) {
        firstRunEnd = Math.min(firstRunEnd, e.path("ts").asLong() + e.path("dur").asLong());
      }
    }
    Map<String, Double> byOp = new LinkedHashMap<>();
    double forward = 0;
    double backward = 0;
    for (JsonNode e : events) {
      String name = e.path("name").asText();
      if (!e.path("cat").asText().equals("Node") || !name.endsWith("_kernel_time") || e.path("ts").asLong() < firstRunEnd) {
        continue;
      }
      double ms = e.path("dur").asDouble() / 1000 / runs / batch;
      byOp.merge(e.path("args").path("op_name").asText(), ms, Double::sum);
      if (name.startsWith("vigil/")) {
        backward += ms;
      } else {
        forward += ms;
      }
    }
    double total = forward + backward;
    StringBuilder line = new StringBuilder(String.format("profile %s batch=%d kernel_ms_per_image=%.1f", which, batch,
        total));
    if (backward > 0) {
      line.append(String.format(" (forward part %.1f, backward + map %.1f)", forward, backward));
    }
    line.append(":");
    byOp.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
        .forEach(op -> line.append(String.format(" %s %.1f (%.0f%%)", op.getKey(), op.getValue(),
            100 * op.getValue() / total)));
    System.out.println(line + " trace " + trace);
  }

  static ImageTensor random(int n, int c, int h, int w) {
    SplittableRandom random = new SplittableRandom(7);
    float[] v = new float[n * c * h * w];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return new ImageTensor(v, n, c, h, w);
  }

  /** FullGrad's logits match the plain forward pass, and every map is finite, non-negative and not all zero. */
  static void check(OrtEnvironment env, ImageTensor x, OrtSession forward, String input, SaliencyResult r)
      throws Exception {
    float[] logits;
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), x.shape());
        OrtSession.Result out = forward.run(Map.of(input, t))) {
      FloatBuffer b = ((OnnxTensor) out.get(0)).getFloatBuffer();
      logits = new float[b.remaining()];
      b.get(logits);
    }
    for (int i = 0; i < logits.length; i++) {
      if (Math.abs(logits[i] - r.logits()[i]) > 1e-3f * Math.max(1, Math.abs(logits[i]))) {
        fail("batch " + x.n() + ": FullGrad logit " + i + " is " + r.logits()[i] + ", the forward pass says " + logits[i]);
      }
    }
    for (int n = 0; n < r.n(); n++) {
      double sum = 0;
      for (float v : r.map(n)) {
        if (!Float.isFinite(v) || v < 0) {
          fail("batch " + x.n() + ": map " + n + " has the value " + v);
        }
        sum += v;
      }
      if (sum == 0) {
        fail("batch " + x.n() + ": map " + n + " is all zero");
      }
    }
  }

  static void fail(String message) {
    System.out.println("FAILED: " + message);
    System.exit(1);
  }

  static double min(double[] a) {
    return Arrays.stream(a).min().orElseThrow();
  }

  static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
