package dev.vigil.demo.server;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.vigil.saliency.autodiff.OrtEnvironments;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One ONNX Runtime CPU session for an NCHW float image classifier, shared by all worker
 * threads ({@link OrtSession#run} is thread-safe).
 *
 * <p>The model takes one float32 input of shape {@code [N, C, H, W]} (N may be dynamic)
 * and its first output holds one score per class for each image; a {@code [N, K]} or
 * {@code [N, K, 1, 1]} output both work, anything with K values per image does.
 */
final class ImageClassifier implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private final int channels;
  private final int height;
  private final int width;
  private final long declaredClasses; // -1 when the model leaves it dynamic

  private ImageClassifier(
      OrtEnvironment env,
      OrtSession session,
      String inputName,
      int channels,
      int height,
      int width,
      long declaredClasses) {
    this.env = env;
    this.session = session;
    this.inputName = inputName;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.declaredClasses = declaredClasses;
  }

  /**
   * Loads and checks the model.
   *
   * @param inputWidth input width to use when the model's is dynamic; 0 = take the model's
   * @param inputHeight likewise
   * @throws ModelServerException when the file is missing or not a usable image classifier
   */
  static ImageClassifier open(Path model, int intraOpThreads, int inputWidth, int inputHeight) {
    if (!Files.isRegularFile(model)) {
      throw new ModelServerException(
          "model file " + model.toAbsolutePath() + " does not exist: pass the path of an .onnx file");
    }
    AtomicReference<Object> result = new AtomicReference<>();
    Thread loader = new Thread(null, () -> {
      try {
        result.set(load(model, intraOpThreads, inputWidth, inputHeight));
      } catch (RuntimeException | Error e) {
        result.set(e);
      }
    }, "model-server-load", OrtEnvironments.STACK_BYTES);
    loader.start();
    try {
      loader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelServerException("interrupted while loading " + model, e);
    }
    Object r = result.get();
    if (r instanceof RuntimeException e) {
      throw e;
    }
    if (r instanceof Error e) {
      throw e;
    }
    return (ImageClassifier) r;
  }

  private static ImageClassifier load(
      Path model, int intraOpThreads, int inputWidth, int inputHeight) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session = null;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      // Failures reach the client and our SLF4J log with ONNX Runtime's message; its own
      // native stderr copy would be a duplicate outside the logging setup.
      options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
      session = env.createSession(model.toString(), options);
      if (session.getInputInfo().size() != 1) {
        throw new ModelServerException(
            "model " + model.getFileName() + " has " + session.getInputInfo().size()
                + " inputs " + session.getInputInfo().keySet()
                + ": the demo server feeds exactly one image tensor");
      }
      Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
      if (!(input.getValue().getInfo() instanceof TensorInfo info)
          || info.type != OnnxJavaType.FLOAT
          || info.getShape().length != 4) {
        throw new ModelServerException(
            "model input '" + input.getKey() + "' is " + input.getValue().getInfo()
                + ": expected a float32 tensor [N, C, H, W]");
      }
      long[] shape = info.getShape();
      int c = shape[1] > 0 ? (int) shape[1] : 3;
      if (c != 3 && c != 1) {
        throw new ModelServerException(
            "model input '" + input.getKey() + "' has " + c
                + " channels: the demo server makes RGB (3) or grey (1) tensors");
      }
      int h = dimension("height", shape[2], inputHeight, input.getKey());
      int w = dimension("width", shape[3], inputWidth, input.getKey());
      NodeInfo output = session.getOutputInfo().values().iterator().next();
      long classes = -1;
      if (output.getInfo() instanceof TensorInfo out && out.getShape().length >= 2) {
        long product = 1;
        for (int i = 1; i < out.getShape().length; i++) {
          long d = out.getShape()[i];
          product = d > 0 && product > 0 ? product * d : -1;
        }
        classes = product;
      }
      ImageClassifier classifier =
          new ImageClassifier(env, session, input.getKey(), c, h, w, classes);
      session = null; // owned by the classifier now
      return classifier;
    } catch (OrtException e) {
      throw new ModelServerException(
          "ONNX Runtime cannot load " + model.toAbsolutePath() + ": " + e.getMessage(), e);
    } finally {
      closeQuietly(session);
    }
  }

  private static int dimension(String name, long declared, int requested, String input) {
    if (declared > 0) {
      if (requested > 0 && requested != declared) {
        throw new ModelServerException(
            "model input '" + input + "' has a fixed " + name + " of " + declared
                + " but " + requested + " was configured: leave it unset or use " + declared);
      }
      return (int) declared;
    }
    if (requested <= 0) {
      throw new ModelServerException(
          "model input '" + input + "' has a dynamic " + name
              + ": configure the input size (ModelServer.Builder.inputSize)");
    }
    return requested;
  }

  /**
   * Runs one image.
   *
   * @param chw {@code channels() * height() * width()} values
   * @return the first output's values for this image
   */
  float[] scores(float[] chw) throws OrtException {
    long[] shape = {1, channels, height, width};
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(chw), shape);
        OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
      OnnxValue value = result.get(0);
      if (!(value instanceof OnnxTensor out) || out.getInfo().type != OnnxJavaType.FLOAT) {
        throw new IllegalStateException(
            "model output '" + result.iterator().next().getKey() + "' is "
                + value.getInfo() + ", not a float tensor of class scores");
      }
      FloatBuffer buffer = out.getFloatBuffer();
      float[] scores = new float[buffer.remaining()];
      buffer.get(scores);
      return scores;
    }
  }

  int channels() {
    return channels;
  }

  int height() {
    return height;
  }

  int width() {
    return width;
  }

  String inputName() {
    return inputName;
  }

  /** Classes per image the output declares, or -1 if the model leaves it dynamic. */
  long declaredClasses() {
    return declaredClasses;
  }

  long[] inputShape() {
    return new long[] {1, channels, height, width};
  }

  @Override
  public String toString() {
    return "input '" + inputName + "' " + Arrays.toString(inputShape());
  }

  @Override
  public void close() {
    closeQuietly(session);
  }

  private static void closeQuietly(OrtSession session) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        // nothing left to do with a session that fails to close
      }
    }
  }
}
